import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  type GetAccessKeyLastUsedCommandOutput,
  type GetLoginProfileCommandOutput,
  type GetUserCommandOutput,
  type ListAccessKeysCommandOutput,
  type Tag,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days to move a key's dates back, by access key id. Mutable: a test may change it between steps. */
export interface KeyDateShifts {
  created: Record<string, number>;
  lastUsed: Record<string, number>;
  /** Days to move the CreateDate of a user's login profile back, by user name. */
  passwordCreated?: Record<string, number>;
  /** Days ago a user last signed in with their password, by user name (moto never records a console sign-in). */
  passwordLastUsed?: Record<string, number>;
}

/**
 * moto stamps an access key's CreateDate (and LastUsedDate) with the current time and offers no
 * way to set them. These clients move the dates of the named keys back in the answers of
 * ListAccessKeys and GetAccessKeyLastUsed, so a key can be 120 days old. Likewise for console
 * passwords: moto answers GetLoginProfile with the user's creation date and GetUser without
 * PasswordLastUsed (no API sets either, and moto cannot sign in to the console), so these clients
 * move the login profile's CreateDate back and report a PasswordLastUsed. Every call still goes
 * to moto, which keeps the real state (statuses, login profiles, users, tags).
 */
export function withShiftedKeyDates(clients: AwsClients, shifts: KeyDateShifts): AwsClients {
  const back = (date: Date | undefined, days: number | undefined) => (date && days ? new Date(date.getTime() - days * DAY_MS) : date);
  clients.client(IAMClient).middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ListAccessKeysCommand') {
        for (const key of (result.output as ListAccessKeysCommandOutput).AccessKeyMetadata ?? []) {
          key.CreateDate = back(key.CreateDate, shifts.created[key.AccessKeyId!]);
        }
      }
      if (context.commandName === 'GetAccessKeyLastUsedCommand') {
        const used = (result.output as GetAccessKeyLastUsedCommandOutput).AccessKeyLastUsed;
        const keyId = (args.input as { AccessKeyId: string }).AccessKeyId;
        if (used) used.LastUsedDate = back(used.LastUsedDate, shifts.lastUsed[keyId]);
      }
      const userName = (args.input as { UserName?: string }).UserName ?? '';
      if (context.commandName === 'GetLoginProfileCommand') {
        const profile = (result.output as GetLoginProfileCommandOutput).LoginProfile;
        if (profile) profile.CreateDate = back(profile.CreateDate, shifts.passwordCreated?.[userName]);
      }
      const signedIn = shifts.passwordLastUsed?.[userName];
      if (context.commandName === 'GetUserCommand' && signedIn !== undefined) {
        const user = (result.output as GetUserCommandOutput).User;
        if (user) user.PasswordLastUsed = new Date(Date.now() - signedIn * DAY_MS);
      }
      return result;
    },
    { step: 'initialize', name: 'shiftAccessKeyDatesForTests' },
  );
  return clients;
}

/** Create a user (unique name) with `keys` active access keys; returns the name and key ids. */
export async function userWithKeys(iam: IAMClient, prefix: string, keys: number, Tags: Tag[] = []) {
  const userName = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  await iam.send(new CreateUserCommand({ UserName: userName, Path: '/team/', Tags }));
  const secrets: { accessKeyId: string; secretAccessKey: string }[] = [];
  for (let i = 0; i < keys; i++) {
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    secrets.push({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
  }
  return { userName, arn: `arn:aws:iam::123456789012:user/team/${userName}`, keyIds: secrets.map((s) => s.accessKeyId), secrets };
}

/** Sign one request with the key, so moto records it as used now. */
export async function useKey(endpoint: string, secret: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: secret, maxAttempts: 1 });
  await sts.send(new GetCallerIdentityCommand({}));
}

/** Access key statuses of a user as moto reports them, by key id. */
export async function statusesOf(iam: IAMClient, UserName: string): Promise<Record<string, string>> {
  const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName }));
  return Object.fromEntries(AccessKeyMetadata.map((key) => [key.AccessKeyId!, key.Status!]));
}

/** Give the user a console password (a login profile). */
export async function withPassword(iam: IAMClient, UserName: string): Promise<void> {
  await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Correct-Horse-Battery-9' }));
}

/** Whether moto holds a console password for the user. */
export async function hasLoginProfile(iam: IAMClient, UserName: string): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw error;
  }
}
