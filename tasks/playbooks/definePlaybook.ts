import * as z from 'zod';
import { IMPACTS, type Impact } from '../domain/constants.js';
import type { RemediationRequest } from '../domain/finding.js';
import type { AwsClients } from '../aws/clientFactory.js';
import type { CreatedResource } from './createdResources.js';

/** JSON-serialisable data: snapshots are stored, plans are shown to people. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One change a playbook intends to make, in words a reviewer can approve. */
// A type alias (not an interface) so playbook change types stay assignable to plain JSON records.
export type PlannedChange = {
  readonly description: string;
};

/**
 * The impact of one plan, when it differs from the playbook's declared `impact` (DESIGN §5): a
 * plan that closes ports the control does not flag, removes access in use, or reboots is
 * `disruptive`, and says why in words a reviewer can weigh.
 */
export interface PlanImpact {
  readonly level: Impact;
  readonly why: string;
}

/** What `apply` will do. An empty `changes` list means the resource is already compliant. */
export interface Plan<C extends PlannedChange = PlannedChange> {
  readonly summary: string;
  readonly changes: readonly C[];
  /** @default the playbook's declared `impact` */
  readonly impact?: PlanImpact;
}

/** The impact of `plan`: its own when it states one, else the playbook's declared impact. */
export function impactOf(playbook: Pick<Playbook, 'impact'>, plan: Pick<Plan, 'impact'>): PlanImpact {
  return plan.impact ?? { level: playbook.impact, why: `the playbook is declared ${playbook.impact}` };
}

export interface VerifyResult {
  readonly compliant: boolean;
  readonly detail: string;
}

/** The resource a finding points at, as the playbook sees it. */
export interface TargetResource {
  /** ASFF `Resources[0].Id`, usually an ARN. */
  readonly id: string;
  readonly type: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** Last segment of the ARN (`sg-0123…`, bucket name, key id). */
  readonly name: string;
}

export interface PlaybookContext<O, P = unknown> {
  readonly request: RemediationRequest;
  /** The control id this playbook was chosen for (one of its `controls`), e.g. `EC2.13`. */
  readonly controlId: string;
  readonly resource: TargetResource;
  /** Clients for the finding's account and region (assumed member role). */
  readonly aws: AwsClients;
  /** The playbook's `settings` from the policy, validated; an explicit setting overrides a control parameter. */
  readonly settings: O;
  /**
   * The finding's control parameters, parsed by the playbook's `parameters` schema, with Security
   * Hub's default for each one the finding does not set. All defaults when `controlId` is not the
   * control that takes them (another control of the playbook, or a legacy per-standard id).
   * Choose between them and `settings` with `chooseValue` (./controlParameters.ts).
   */
  readonly parameters: P;
  /** The names of `parameters` the finding set itself; every other one is Security Hub's default. */
  readonly parametersFromFinding: readonly string[];
  /**
   * When the playbook step must have returned, safely inside the function's own timeout. Anything
   * that waits (a runbook: `runAutomation`) stops waiting before it.
   * @default {@link PLAYBOOK_TIME_BUDGET_MS} after the context is made (`createPlaybookContext`)
   */
  readonly deadline: Date;
}

/**
 * How long a playbook step may take: 240 s, below the 280 s that Remediate's and Rollback's
 * functions run (infra/taskAccess.ts `LONG`), leaving the handler time to record the outcome.
 * Counted from when the context is made, at the start of the handler, which does not see the
 * Lambda context.
 */
export const PLAYBOOK_TIME_BUDGET_MS = 240_000;

/**
 * The parameters a Security Hub control lets an account configure (`Compliance.SecurityControlParameters`
 * of its findings), e.g. EC2.18's authorised ports. Declaring them makes the playbook fix to what
 * Security Hub will check, not to a value of its own.
 *
 * @example
 * parameters: {
 *   control: 'EC2.18',
 *   schema: z.object({
 *     // Names as Security Hub spells them; defaults are Security Hub's documented defaults.
 *     authorizedTcpPorts: ParameterValue.integerList(1, 65535, 32).default([80, 443]),
 *     authorizedUdpPorts: ParameterValue.integerList(1, 65535, 32).default([]),
 *   }),
 * },
 */
export interface ControlParameters<P> {
  /** The consolidated control id whose findings carry these parameters, e.g. `EC2.18`; one of `controls`. */
  readonly control: string;
  /**
   * The parameters by name, each parsing the finding's `string[]` value (see `ParameterValue`)
   * with Security Hub's default, or `.optional()` where Security Hub has none. A name the schema
   * does not list, or a value it rejects, fails closed with `InvalidControlParametersError`.
   */
  readonly schema: z.ZodType<P> & { readonly shape: Readonly<Record<string, z.ZodType>> };
}

/** A playbook as declared by its author. */
export interface PlaybookDefinition<S extends JsonValue, C extends PlannedChange, O, P = Record<string, never>> {
  /** Stable id, kebab-case, e.g. `ec2-revoke-world-open-admin-ports`. */
  readonly id: string;
  readonly title: string;
  /** Security Hub control ids this playbook fixes, with every standard's alias as data. */
  readonly controls: readonly string[];
  /** ASFF resource type, e.g. `AwsEc2SecurityGroup`. */
  readonly resourceType: string;
  readonly impact: Impact;
  /** IAM actions the playbook calls; the member role's policy is generated from these. */
  readonly permissions: readonly string[];
  /**
   * Playbook options, validated with defaults; overridable per deployment in the policy. A setting
   * that stands for a control parameter has no default (Security Hub's is the parameter's) and may
   * only be stricter than the control.
   */
  readonly settings?: z.ZodType<O>;
  /**
   * The control parameters this playbook honours, when its control takes any in Security Hub.
   * @default none: a finding that carries parameters fails closed
   */
  readonly parameters?: ControlParameters<P>;
  /**
   * Why this playbook's tests cannot run against moto, when they cannot: the APIs the emulator lacks
   * (its tests then use aws-sdk-client-mock on the exact inputs and outputs). The catalog marks the
   * playbook "not emulated" with this reason.
   * @default emulated: tested against moto
   */
  readonly notEmulated?: string;
  /**
   * The billable resources the playbook may create when the account has none to reuse (a trail, a
   * bucket, a key, a log group, an alarm), with their monthly cost. A playbook that creates any is
   * cost-bearing: it must be declared `disruptive`, so it waits for a person under the default
   * policy, and each plan that creates one lists it (`creationChange`, ./createdResources.ts).
   * @default none: the playbook only changes what exists
   */
  readonly creates?: readonly CreatedResource[];
  /**
   * Live tags of the resource, for resource types the Resource Groups Tagging API cannot read
   * (IAM users, the account itself). Declare the actions it calls in `permissions`.
   * @default the Resource Groups Tagging API
   */
  readTags?(ctx: PlaybookContext<O, P>): Promise<Record<string, string>>;
  /** Read the current state of everything `apply` may change. Read-only. */
  snapshot(ctx: PlaybookContext<O, P>): Promise<S>;
  /** Decide the changes that make the resource compliant, and only those. Read-only. */
  plan(ctx: PlaybookContext<O, P>, current: S): Promise<Plan<C>> | Plan<C>;
  /** Make the planned changes. Idempotent: applying twice changes nothing the second time. */
  apply(ctx: PlaybookContext<O, P>, plan: Plan<C>): Promise<void>;
  /** Re-read the resource and decide compliance. Read-only. */
  verify(ctx: PlaybookContext<O, P>): Promise<VerifyResult>;
  /** Restore the snapshot. Idempotent. */
  rollback(ctx: PlaybookContext<O, P>, snapshot: S): Promise<void>;
}

/** A registered playbook (settings erased to `unknown` so the registry can hold them all). */
export type Playbook = PlaybookDefinition<JsonValue, PlannedChange, unknown, unknown> & {
  readonly settings: z.ZodType<unknown>;
};

const PlaybookMetaSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'playbook id must be kebab-case'),
  title: z.string().min(1),
  controls: z.array(z.string().min(1)).min(1, 'a playbook fixes at least one control'),
  resourceType: z.string().regex(/^Aws[A-Za-z0-9]+$/, 'resourceType must be an ASFF type such as AwsEc2SecurityGroup'),
  impact: z.enum(IMPACTS),
  permissions: z
    .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, 'permissions are exact IAM actions (service:Action), never wildcards'))
    .min(1, 'a playbook must declare the IAM actions it calls'),
});

/**
 * Declare a remediation playbook. The declaration is checked at load time: a playbook with
 * no permissions, a wildcard action or a malformed id fails fast, before any deploy, as do
 * `parameters` for a control it does not list or without a default for a finding that sets none.
 *
 * @example
 * export const enableKeyRotation = definePlaybook({
 *   id: 'kms-enable-key-rotation',
 *   title: 'Enable automatic rotation of a customer managed KMS key',
 *   controls: ['KMS.4'],
 *   resourceType: 'AwsKmsKey',
 *   impact: 'non-disruptive',
 *   permissions: ['kms:GetKeyRotationStatus', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation'],
 *   snapshot: async (ctx) => ({ enabled: await rotationEnabled(ctx) }),
 *   plan: (_ctx, s) => ({ summary: 'Enable rotation', changes: s.enabled ? [] : [{ description: 'Enable key rotation' }] }),
 *   apply: async (ctx) => { await enable(ctx); },
 *   verify: async (ctx) => ({ compliant: await rotationEnabled(ctx), detail: '' }),
 *   rollback: async (ctx, s) => { if (!s.enabled) await disable(ctx); },
 * });
 */
export function definePlaybook<S extends JsonValue, C extends PlannedChange, O = Record<string, never>, P = Record<string, never>>(
  definition: PlaybookDefinition<S, C, O, P>,
): Playbook {
  const meta = PlaybookMetaSchema.safeParse(definition);
  if (!meta.success) {
    throw new Error(`playbook ${definition.id ?? '(no id)'} is invalid: ${z.prettifyError(meta.error)}`);
  }
  const parameters = definition.parameters;
  if (parameters && !definition.controls.includes(parameters.control)) {
    throw new Error(`playbook ${definition.id}: its parameters belong to ${parameters.control}, which is not one of its controls`);
  }
  if ((definition.creates?.length ?? 0) > 0 && definition.impact !== 'disruptive') {
    throw new Error(`playbook ${definition.id} creates billable resources, so it must be declared disruptive (approval by default)`);
  }
  // A finding without parameters (a legacy id, or Security Hub's defaults) must still parse.
  if (parameters && !parameters.schema.safeParse({}).success) {
    throw new Error(`playbook ${definition.id}: every parameter needs Security Hub's default or .optional()`);
  }
  return {
    ...definition,
    settings: definition.settings ?? z.object({}).default({}),
  } as unknown as Playbook;
}

/** Last path segment of an ARN-like resource id: `arn:aws:ec2:…:security-group/sg-1` → `sg-1`. */
export function resourceNameOf(id: string): string {
  const afterColon = id.split(':').pop() ?? id;
  return afterColon.split('/').pop() ?? afterColon;
}
