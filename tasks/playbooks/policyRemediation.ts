/**
 * The five steps shared by the playbooks that take grants out of a resource policy (SQS.3, SNS.4,
 * KMS.5, S3.6). Each playbook keeps its own control, citation, permissions and the rule that picks
 * the offending principals (`offending`); this module reads and writes the policy through the
 * playbook's {@link PolicyStore} and does the rest the same way for all of them:
 *
 * - `snapshot` keeps the policy text exactly as the service returned it (`null`: no policy).
 * - `plan` names every statement or principal it removes, and is `disruptive` with the reason: the
 *   grant may serve traffic today. An empty plan means no offending grant is left.
 * - `apply` re-reads the live policy and removes only the offending principals (a statement left
 *   with none goes whole); every other statement and key stays as it was, in its place.
 * - `verify` re-reads and answers with the same rule, so it passes exactly when the rule does.
 * - `rollback` writes the snapshot's text back, only while the live policy is still what Rectify
 *   wrote; a policy changed since by someone else is left alone and the rollback fails, naming it.
 */
import { RemediationFailedError, RollbackFailedError } from '../domain/errors.js';
import type { PlaybookContext } from './definePlaybook.js';
import {
  describeRemoval,
  parsePolicy,
  removePrincipals,
  samePolicy,
  statementsOf,
  type PolicyDocument,
  type PrincipalValue,
  type Removal,
  type Statement,
} from './resourcePolicy.js';

/** The policy text as the service returned it; `null` when the resource has none. */
export type PolicySnapshot = { policy: string | null };
export type PolicyChange = { description: string };
type Context = PlaybookContext<unknown>;

/** How a playbook reads and writes its resource's policy. */
export interface PolicyStore {
  /** For messages: `SQS queue orders`. */
  readonly describe: (ctx: Context) => string;
  readonly read: (ctx: Context) => Promise<string | null>;
  /** `null` removes the policy; only called with `null` when {@link canRemovePolicy} is true. */
  readonly write: (ctx: Context, policy: string | null) => Promise<void>;
  /** Whether the resource may be left with no policy at all (SNS and KMS always have one). */
  readonly canRemovePolicy: boolean;
}

export interface PolicyRule {
  /** `SQS.3`, for messages. */
  readonly control: string;
  /** What an offending grant does, for verify's detail: `allows public access`. */
  readonly offence: string;
  /** The principal values of one statement that break the control; none when it complies. */
  readonly offending: (ctx: Context, statement: Statement) => PrincipalValue[];
  /** Throws when the policy left after the removal must not be written (KMS: the account's own access). */
  readonly refuse?: (ctx: Context, before: PolicyDocument, after: PolicyDocument) => string | undefined;
}

function refusal(ctx: Context, store: PolicyStore, rule: PolicyRule, reason: string): never {
  throw new RemediationFailedError(
    `Cannot remediate ${rule.control} on ${store.describe(ctx)} (finding ${ctx.request.findingId}): ${reason}. ` +
      'Rectify changed nothing; fix the policy by hand or suppress the finding.',
  );
}

/** The policy with the offending principals removed, checked against the rule's refusals. */
function remediate(ctx: Context, store: PolicyStore, rule: PolicyRule, text: string): { text: string | null; removals: Removal[] } {
  const before = parsePolicy(text, store.describe(ctx));
  const { policy, removals } = removePrincipals(before, (statement) => rule.offending(ctx, statement));
  if (removals.length === 0) return { text, removals };
  const empty = statementsOf(policy).length === 0;
  if (empty && !store.canRemovePolicy) refusal(ctx, store, rule, 'every statement of its policy would go, and it cannot be left without one');
  const reason = rule.refuse?.(ctx, before, policy);
  if (reason) refusal(ctx, store, rule, reason);
  return { text: empty ? null : JSON.stringify(policy), removals };
}

/** The steps to spread into `definePlaybook({ … })`. */
export function policyRemediation(store: PolicyStore, rule: PolicyRule) {
  return {
    snapshot: async (ctx: Context): Promise<PolicySnapshot> => ({ policy: await store.read(ctx) }),

    async plan(ctx: Context, current: PolicySnapshot) {
      const removals = current.policy === null ? [] : remediate(ctx, store, rule, current.policy).removals;
      if (removals.length === 0) return { summary: `The policy of ${store.describe(ctx)} has no grant that fails ${rule.control}`, changes: [] };
      const who = [...new Set(removals.flatMap((removal) => removal.principals))].join(', ');
      return {
        summary: `Remove the grants that fail ${rule.control} from the policy of ${store.describe(ctx)}`,
        impact: {
          level: 'disruptive' as const,
          why: `the removed grants may be in use today: ${who} lose what those statements allowed on ${store.describe(ctx)}; every other statement stays as it is`,
        },
        changes: removals.map((removal) => ({ description: `In the policy of ${store.describe(ctx)}, ${describeRemoval(removal)}` })),
      };
    },

    async apply(ctx: Context): Promise<void> {
      // Remove from the live policy, so a statement added since the plan is kept too.
      const live = await store.read(ctx);
      if (live === null) return;
      const { text, removals } = remediate(ctx, store, rule, live);
      if (removals.length > 0) await store.write(ctx, text);
    },

    async verify(ctx: Context) {
      const live = await store.read(ctx);
      const removals = live === null ? [] : removePrincipals(parsePolicy(live, store.describe(ctx)), (s) => rule.offending(ctx, s)).removals;
      const detail =
        removals.length === 0
          ? `The policy of ${store.describe(ctx)} has no statement that ${rule.offence}`
          : `The policy of ${store.describe(ctx)} ${rule.offence}: ${removals.map(describeRemoval).join('; ')}`;
      return { compliant: removals.length === 0, detail };
    },

    async rollback(ctx: Context, snapshot: PolicySnapshot): Promise<void> {
      const live = await store.read(ctx);
      if (samePolicy(live, snapshot.policy)) return;
      const written = snapshot.policy === null ? null : remediate(ctx, store, rule, snapshot.policy).text;
      if (!samePolicy(live, written)) {
        throw new RollbackFailedError(
          `The policy of ${store.describe(ctx)} changed after Rectify's ${rule.control} change (finding ${ctx.request.findingId}); ` +
            'Rectify left it as it is now. Compare it with the snapshot in the audit record and restore it by hand if needed.',
        );
      }
      await store.write(ctx, snapshot.policy);
    },
  };
}
