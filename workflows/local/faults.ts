import { z } from 'zod';
import type { Playbook } from '../../tasks/playbooks/definePlaybook.js';
import type { PlaybookLookup } from '../../tasks/playbooks/registry.js';

/**
 * Faults a scenario can inject into a real playbook, to prove the failure paths against real
 * (emulated) resources: `apply: "throw"` applies the change and then fails, as a half-done
 * change would; `verify: "noncompliant"` reports the fixed resource as still non-compliant;
 * `rollback: "throw"` fails the restore; `tags: "deny"` makes the tag read fail with AccessDenied.
 * Local runtime only: the deployed tasks never see it.
 */
export const FaultsSchema = z
  .object({
    apply: z.literal('throw').optional(),
    verify: z.literal('noncompliant').optional(),
    rollback: z.literal('throw').optional(),
    /** Reading the resource's tags is denied (as a missing tag:GetResources permission would be). */
    tags: z.literal('deny').optional(),
  })
  .strict();
export type Faults = z.infer<typeof FaultsSchema>;

export class InjectedFault extends Error {
  constructor(message: string) {
    super(`injected fault: ${message}`);
    this.name = 'InjectedFault';
  }
}

export function withFaults(playbook: Playbook, faults: Faults): Playbook {
  const denied = new Error('User is not authorized to perform: tag:GetResources (injected fault)');
  denied.name = 'AccessDeniedException';
  return {
    ...playbook,
    ...(faults.tags === 'deny'
      ? {
          readTags: async () => {
            throw denied;
          },
        }
      : {}),
    apply: async (ctx, plan) => {
      await playbook.apply(ctx, plan);
      if (faults.apply === 'throw') throw new InjectedFault('apply failed after changing the resource');
    },
    verify: faults.verify === 'noncompliant' ? async () => ({ compliant: false, detail: 'injected fault: still non-compliant' }) : playbook.verify,
    rollback:
      faults.rollback === 'throw'
        ? async () => {
            throw new InjectedFault('rollback failed');
          }
        : playbook.rollback,
  };
}

export function lookupWithFaults(lookup: PlaybookLookup, faults: Faults | undefined): PlaybookLookup {
  if (!faults || Object.keys(faults).length === 0) return lookup;
  return (id) => {
    const playbook = lookup(id);
    return playbook ? withFaults(playbook, faults) : undefined;
  };
}
