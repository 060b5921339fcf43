import type { Playbook } from './definePlaybook.js';
import { playbookLoaders } from './loaders.generated.js';

/**
 * The playbook with this id, imported now: its module and its service's SDK client are a chunk
 * of their own in the bundles of the functions that run playbooks, loaded the first time a finding
 * needs them, so their cold start does not grow with the catalog (docs/decisions/014). Everything
 * the workflow needs before a playbook runs (ids, controls, impact) is in `index.generated.ts`.
 *
 * @example
 * const playbook = await loadPlaybook('kms-enable-key-rotation'); // imports kms/enableKeyRotation and the KMS client
 */
export async function loadPlaybook(id: string): Promise<Playbook | undefined> {
  return Object.hasOwn(playbookLoaders, id) ? playbookLoaders[id]!() : undefined;
}
