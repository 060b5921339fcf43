// The IAM.8 playbook's console password (login profile) of one IAM user: read, remove, recreate.
import { randomInt } from 'node:crypto';
import { CreateLoginProfileCommand, DeleteLoginProfileCommand, GetLoginProfileCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { PlaybookContext } from '../definePlaybook.js';

/** A user's console password: when it was created, and when it was last used (`null`: never). */
export interface ConsolePassword {
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

const isNoSuchEntity = (error: unknown) => error instanceof Error && error.name === 'NoSuchEntityException';

/** When the user's login profile was created, or `null` when the user has no console password. */
async function loginProfileCreatedAt(ctx: PlaybookContext<unknown>, UserName: string): Promise<Date | null> {
  try {
    const { LoginProfile } = await ctx.aws.client(IAMClient).send(new GetLoginProfileCommand({ UserName }));
    return LoginProfile?.CreateDate ?? new Date(0);
  } catch (error) {
    if (isNoSuchEntity(error)) return null;
    throw error;
  }
}

/** Whether the user has a console password at all: what the snapshot records and rollback restores. */
export async function hasConsolePassword(ctx: PlaybookContext<unknown>, UserName: string): Promise<boolean> {
  return (await loginProfileCreatedAt(ctx, UserName)) !== null;
}

/**
 * The user's console password, or `null` when the user has none. `PasswordLastUsed` comes from
 * GetUser: IAM keeps it after a password is deleted, so it only counts while a login profile exists.
 */
export async function readConsolePassword(ctx: PlaybookContext<unknown>, UserName: string): Promise<ConsolePassword | null> {
  const createdAt = await loginProfileCreatedAt(ctx, UserName);
  if (!createdAt) return null;
  const { User } = await ctx.aws.client(IAMClient).send(new GetUserCommand({ UserName }));
  return { createdAt: createdAt.toISOString(), lastUsedAt: User?.PasswordLastUsed?.toISOString() ?? null };
}

/** Delete the user's console password; one already gone is not an error (apply is idempotent). */
export async function deleteConsolePassword(ctx: PlaybookContext<unknown>, UserName: string): Promise<void> {
  try {
    await ctx.aws.client(IAMClient).send(new DeleteLoginProfileCommand({ UserName }));
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
}

/**
 * Give the user a console password again after `deleteConsolePassword`. AWS keeps no copy of a
 * password, so the old one cannot come back: the new one is random, known to nobody (it is neither
 * returned nor logged) and must be changed at first sign-in. Console access is restored only once
 * an administrator sets a password the person knows (UpdateLoginProfile, or "Manage console access").
 */
export async function recreateConsolePassword(ctx: PlaybookContext<unknown>, UserName: string): Promise<void> {
  await ctx.aws.client(IAMClient).send(new CreateLoginProfileCommand({ UserName, Password: randomPassword(), PasswordResetRequired: true }));
}

// IAM's character classes, symbols as the password policy defines them.
const CHARACTER_CLASSES = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz', '0123456789', "!@#$%^&*()_+-=[]{}|'"];
/** IAM's longest password, so every account password policy's minimum length is met. */
export const RANDOM_PASSWORD_LENGTH = 128;

/**
 * A password no password policy refuses: the maximum length, one character of every class at
 * least, and random (so never one of the user's previous passwords). Cryptographically random.
 */
export function randomPassword(): string {
  const all = CHARACTER_CLASSES.join('');
  const pick = (chars: string) => chars[randomInt(chars.length)]!;
  const chars = [...CHARACTER_CLASSES.map(pick), ...Array.from({ length: RANDOM_PASSWORD_LENGTH - CHARACTER_CLASSES.length }, () => pick(all))];
  // Fisher-Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
