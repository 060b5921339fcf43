import { z } from 'zod';
import type { Playbook } from '../../tasks/playbooks/definePlaybook.js';
import type { PlaybookLookup } from '../../tasks/playbooks/registry.js';
import { liveTagsOf } from '../../tasks/domain/resourceTags.js';
import { callAws } from './awsCall.js';

const AwsStep = z
  .object({ service: z.string(), command: z.string(), params: z.record(z.string(), z.unknown()).default({}), account: z.string().optional(), region: z.string().optional() })
  .strict();

/**
 * Faults a scenario can inject into a real playbook, to prove the failure paths against real
 * (emulated) resources: `apply: "throw"` applies the change and then fails, as a half-done
 * change would; `apply: "skip"` returns without changing anything, as an apply that silently
 * fails would, so the real verify must find the resource still non-compliant (there is no fault
 * that fakes verify's answer: docs/decisions/003); `rollback: "throw"` fails the restore; `tags: "deny"` makes the tag read fail with AccessDenied.
 * Local runtime only: the deployed tasks never see it.
 */
export const FaultsSchema = z
  .object({
    apply: z.enum(['throw', 'skip']).optional(),
    rollback: z.literal('throw').optional(),
    /** Reading the resource's tags is denied (as a missing tag:GetResources permission would be). */
    tags: z.literal('deny').optional(),
    /** Only these resource ids get the faults (default: every resource). */
    resources: z.array(z.string()).optional(),
    /** Only these playbooks get the faults (default: every playbook). */
    playbooks: z.array(z.string()).optional(),
    /** AWS calls made once, just before the first Verify: a person (or another tool) changing the resource while Rectify verifies. */
    duringVerify: z.array(AwsStep).optional(),
    /** AWS calls made once, after the first plan (ClassifySeverity's) and before Remediate plans again: the resource changing between classification and change. */
    afterClassify: z.array(AwsStep).optional(),
  })
  .strict();
export type Faults = z.infer<typeof FaultsSchema>;

export class InjectedFault extends Error {
  constructor(message: string) {
    super(`injected fault: ${message}`);
    this.name = 'InjectedFault';
  }
}

/** `duringVerify:<id>` / `afterClassify:<id>` once made, per fault set (a playbook is wrapped anew at every lookup). */
const touchedBy = new WeakMap<Faults, Set<string>>();

/** A fault's AWS call, e.g. with a scenario's `${saved}` values filled in when it is made. */
export type FaultStepResolver = (step: FaultStep) => FaultStep;
export type FaultStep = z.infer<typeof AwsStep>;

export function withFaults(playbook: Playbook, faults: Faults, resolve: FaultStepResolver = (step) => step): Playbook {
  const touched = touchedBy.get(faults) ?? new Set<string>();
  touchedBy.set(faults, touched);
  const hit = (ctx: { resource: { id: string } }) => !faults.resources || faults.resources.includes(ctx.resource.id);
  const denied = new Error('User is not authorized to perform: tag:GetResources (injected fault)');
  denied.name = 'AccessDeniedException';
  return {
    ...playbook,
    ...(faults.tags === 'deny'
      ? {
          readTags: async (ctx) => {
            if (hit(ctx)) throw denied;
            return liveTagsOf(playbook, ctx);
          },
        }
      : {}),
    plan: async (ctx, current) => {
      const plan = await playbook.plan(ctx, current);
      if (faults.afterClassify && hit(ctx) && !touched.has(`afterClassify:${ctx.resource.id}`)) {
        touched.add(`afterClassify:${ctx.resource.id}`);
        for (const step of faults.afterClassify) await callAws(resolve(step));
      }
      return plan;
    },
    apply: async (ctx, plan) => {
      if (faults.apply === 'skip' && hit(ctx)) return;
      await playbook.apply(ctx, plan);
      if (faults.apply === 'throw' && hit(ctx)) throw new InjectedFault('apply failed after changing the resource');
    },
    verify: async (ctx) => {
      if (faults.duringVerify && hit(ctx) && !touched.has(`duringVerify:${ctx.resource.id}`)) {
        touched.add(`duringVerify:${ctx.resource.id}`);
        for (const step of faults.duringVerify) await callAws(resolve(step));
      }
      return playbook.verify(ctx);
    },
    rollback: async (ctx, snapshot) => {
      if (faults.rollback === 'throw' && hit(ctx)) throw new InjectedFault('rollback failed');
      await playbook.rollback(ctx, snapshot);
    },
  };
}

export function lookupWithFaults(lookup: PlaybookLookup, faults: Faults | undefined, resolve?: FaultStepResolver): PlaybookLookup {
  if (!faults || Object.keys(faults).length === 0) return lookup;
  return async (id) => {
    const playbook = await lookup(id);
    if (playbook && faults.playbooks && !faults.playbooks.includes(playbook.id)) return playbook;
    return playbook ? withFaults(playbook, faults, resolve) : undefined;
  };
}
