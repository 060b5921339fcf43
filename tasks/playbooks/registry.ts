import * as z from 'zod';
import { catalog } from './catalog.generated.js';
import type { Playbook } from './definePlaybook.js';
import { playbookCovering } from './playbookSummary.js';
import { isReadAction } from './readActions.js';

/** Look a playbook up by id; asynchronous, as the Lambda functions import each playbook when it is needed (./loadPlaybook.ts). */
export type PlaybookLookup = (id: string) => Promise<Playbook | undefined>;

/** Every registered playbook. */
export function allPlaybooks(): readonly Playbook[] {
  return catalog;
}

/** The playbook with this id, if any, from the whole catalog (the Lambda functions use ./loadPlaybook.ts). */
export const playbookById: PlaybookLookup = async (id) => catalog.find((p) => p.id === id);

/** The playbook that fixes the first of these control ids it covers, with the id it matched. */
export function playbookForControls(
  controlIds: readonly string[],
  playbooks: readonly Playbook[] = catalog,
): { playbook: Playbook; controlId: string } | undefined {
  return playbookCovering(controlIds, playbooks);
}

/** Sorted control ids covered by the catalog; throws when two playbooks claim one control. */
export function coveredControls(playbooks: readonly Playbook[] = catalog): string[] {
  const owner = new Map<string, string>();
  for (const playbook of playbooks) {
    for (const control of playbook.controls) {
      const other = owner.get(control);
      if (other) throw new Error(`control ${control} is claimed by playbooks ${other} and ${playbook.id}`);
      owner.set(control, playbook.id);
    }
  }
  return [...owner.keys()].sort();
}

/**
 * IAM actions of the member change role (Remediate, Rollback): the union of the playbooks'
 * declarations, reads and writes, and `extra` (the tag reads of the re-check before a change).
 */
export function changeRoleActions(playbooks: readonly Playbook[] = catalog, extra: readonly string[] = []): string[] {
  return [...new Set([...playbooks.flatMap((p) => p.permissions), ...extra])].sort();
}

/**
 * IAM actions of the member read role (CheckExemption, ClassifySeverity, AwaitApproval, Verify):
 * the playbooks' declared actions that only read ({@link isReadAction}) and `reads` (the tag
 * reads), which must all be reads.
 *
 * @example
 * readRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks())); // [..., 's3:GetBucketPolicy', ...], never 's3:PutBucketPolicy'
 */
export function readRoleActions(playbooks: readonly Playbook[] = catalog, reads: readonly string[] = []): string[] {
  const notRead = reads.find((a) => !isReadAction(a));
  if (notRead) throw new Error(`readRoleActions: ${notRead} is not a read action (tasks/playbooks/readActions.ts); the read role holds reads only`);
  return [...new Set([...playbooks.flatMap((p) => p.permissions).filter(isReadAction), ...reads])].sort();
}

/**
 * What is wrong with a policy's `playbookSettings`: an unknown playbook id, or settings the
 * playbook's schema refuses — among them any looser than the control (the message names the
 * control's requirement). Empty when they are all valid. Checked at synth (infra/config.ts) and
 * again when a task builds the playbook context (tasks/playbooks/context.ts).
 */
export function playbookSettingsProblems(settings: Readonly<Record<string, unknown>>, playbooks: readonly Playbook[] = catalog): string[] {
  return Object.entries(settings).flatMap(([id, value]) => {
    const playbook = playbooks.find((p) => p.id === id);
    if (!playbook) return [`playbookSettings.${id}: no playbook has this id`];
    const parsed = playbook.settings.safeParse(value ?? {});
    return parsed.success ? [] : [`playbookSettings.${id}: ${z.prettifyError(parsed.error)}`];
  });
}
