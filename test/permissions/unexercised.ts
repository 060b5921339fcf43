import { exercisedActions, type CallInRun } from './evaluateCalls.js';
import type { UnexercisedPermission } from './exceptions.js';

/** A declared permission no recorded call needed. */
export interface Unexercised {
  readonly playbook: string;
  readonly action: string;
}

/**
 * The playbooks' declared permissions that none of their own runs exercised (each playbook's
 * `permissions` against the calls of the scenarios it handled), and the tag-read permissions
 * that no run at all exercised. Calls on Rectify's own resources do not count.
 */
export async function unexercisedPermissions(
  playbooks: readonly { readonly id: string; readonly permissions: readonly string[] }[],
  callsByPlaybook: ReadonlyMap<string, readonly CallInRun[]>,
  tagReads: readonly string[],
  ownResources: readonly string[],
): Promise<Unexercised[]> {
  const unexercised: Unexercised[] = [];
  const everywhere = new Set<string>();
  for (const playbook of playbooks) {
    const exercised = await exercisedActions(callsByPlaybook.get(playbook.id) ?? [], ownResources);
    for (const action of exercised) everywhere.add(action);
    for (const action of playbook.permissions) if (!exercised.has(action)) unexercised.push({ playbook: playbook.id, action });
  }
  for (const action of tagReads) if (!everywhere.has(action)) unexercised.push({ playbook: 'tag reads', action });
  return unexercised;
}

/** The unexercised permissions no exception explains, and the exceptions that explain nothing any more. */
export function againstExceptions(
  unexercised: readonly Unexercised[],
  exceptions: readonly UnexercisedPermission[],
): { dead: string[]; stale: string[] } {
  const key = (u: Unexercised) => `${u.playbook} ${u.action}`;
  const excused = new Set(exceptions.map(key));
  const found = new Set(unexercised.map(key));
  return {
    dead: unexercised.filter((u) => !excused.has(key(u))).map(key),
    stale: exceptions.filter((e) => !found.has(key(e))).map(key),
  };
}
