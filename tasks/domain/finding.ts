import * as z from 'zod/mini';
import '../zodMessages.js';
import { Source } from './constants.js';
import { InvalidFindingError } from './errors.js';
import { canonicalResourceId, UnresolvableResourceIdError, type ResourceScope } from './resourceIdentity.js';

// zod/mini (the same checks and messages as the classic API, as functions): these schemas are
// parsed by functions that run no playbook, whose bundles must stay small (docs/decisions/019).

const nonEmpty = () => z.string().check(z.minLength(1));
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/**
 * The part of an AWS Security Finding Format (ASFF) finding that Rectify reads. Unknown
 * fields are kept (loose objects): a finding is a record we pass on, not only parse.
 */
export const AsffResourceSchema = z.looseObject({
  Type: nonEmpty(),
  Id: nonEmpty(),
  Partition: z.optional(z.string()),
  Region: z.optional(z.string()),
  Tags: z.optional(z.record(z.string(), z.string())),
  Details: z.optional(z.record(z.string(), z.unknown())),
});

export const AsffFindingSchema = z.looseObject({
  SchemaVersion: z.optional(z.string()),
  Id: z.string().check(z.minLength(1), z.maxLength(512)),
  ProductArn: nonEmpty(),
  GeneratorId: nonEmpty(),
  AwsAccountId: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  Region: z.optional(z.string()),
  Title: z._default(z.string(), ''),
  Description: z.optional(z.string()),
  CreatedAt: z.optional(z.string()),
  UpdatedAt: nonEmpty(),
  Severity: z.looseObject({
    Label: z.enum(SEVERITIES),
  }),
  Compliance: z.optional(
    z.looseObject({
      Status: z.optional(z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'])),
      SecurityControlId: z.optional(z.string()),
      /** The control's parameters as the account configured them (e.g. EC2.18's authorizedTcpPorts). */
      SecurityControlParameters: z.optional(z.array(z.looseObject({ Name: nonEmpty(), Value: z._default(z.array(z.string()), []) }))),
    }),
  ),
  ProductFields: z.optional(z.record(z.string(), z.string())),
  Resources: z.array(AsffResourceSchema).check(z.minLength(1, 'a finding needs at least one resource')),
  Workflow: z.optional(z.looseObject({ Status: z.string() })),
  RecordState: z.optional(z.enum(['ACTIVE', 'ARCHIVED'])),
});
export type AsffFinding = z.infer<typeof AsffFindingSchema>;

/** What starts an execution: one finding and how it reached Rectify. */
export const ExecutionInputSchema = z.object({
  finding: z.unknown(),
  source: z._default(z.enum([Source.AUTOMATIC, Source.MANUAL]), Source.AUTOMATIC),
  /** Set by the intake when the finding was too big for an execution input: `finding` is then only its identity. */
  oversizedBytes: z.optional(z.number().check(z.int(), z.positive())),
});
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

export const RemediationRequestSchema = z.object({
  /** ASFF `Id`, or OCSF `finding_info.uid` (the same ARN for one control finding in both hubs). */
  findingId: z.string(),
  /** ASFF `ProductArn`, or OCSF `metadata.product.uid`. */
  productArn: z.string(),
  /** Which hub's format the finding came in, so the outcome is written back there (docs/decisions/020). Absent: ASFF. */
  format: z.optional(z.enum(['ASFF', 'OCSF'])),
  /** OCSF `metadata.uid`: what CreateTicketV2 names the finding by. */
  metadataUid: z.optional(z.string()),
  /** Every id this finding's control is known by, most specific first. */
  controlIds: z.array(z.string()).check(z.minLength(1)),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  complianceStatus: z.string(),
  recordState: z.string(),
  workflowStatus: z.string(),
  account: z.string(),
  region: z.string(),
  partition: z.string(),
  resource: z.object({
    type: z.string(),
    /** The canonical identity: the resource's ARN in the finding's partition, region and account (or `AWS::::Account:<id>`). */
    id: z.string(),
    /** `Resources[0].Id` as the finding wrote it, when that was not already the canonical id (e.g. a bare `sg-…`). */
    findingId: z.optional(z.string()),
  }),
  updatedAt: z.string(),
  source: z.enum([Source.AUTOMATIC, Source.MANUAL]),
  /** `Compliance.SecurityControlParameters` by name: what Security Hub evaluated the resource against. */
  controlParameters: z._default(z.record(z.string(), z.array(z.string())), {}),
});
export type RemediationRequest = z.infer<typeof RemediationRequestSchema>;

const RULESET_PREFIX = /^arn:aws[\w-]*:securityhub:::ruleset\//;

/**
 * Candidate control ids of a finding. Consolidated control findings carry
 * `Compliance.SecurityControlId` (e.g. `EC2.19`); older per-standard findings carry
 * `ProductFields.ControlId` and a GeneratorId naming the standard, which becomes an alias
 * such as `cis-aws-foundations-benchmark/v/1.2.0/4.1`. Playbooks list aliases as data.
 */
export function controlIdsOf(finding: AsffFinding): string[] {
  const ids: string[] = [];
  const add = (id: string | undefined): void => {
    if (id && !ids.includes(id)) ids.push(id);
  };
  add(finding.Compliance?.SecurityControlId);
  const generator = finding.GeneratorId.replace(RULESET_PREFIX, '').replace('/rule/', '/');
  if (generator.startsWith('security-control/')) add(generator.slice('security-control/'.length));
  else if (generator.includes('/')) {
    const last = generator.split('/').pop();
    // AFSBP and NIST generator ids end in the consolidated id itself (e.g. ".../EC2.19").
    if (last && /^[A-Za-z][A-Za-z0-9]*\.\d+$/.test(last)) add(last);
    add(generator);
  }
  add(finding.ProductFields?.ControlId);
  return ids;
}

/** Longest id quoted in an error message (a hostile finding must not blow up the audit record). */
const QUOTE_LIMIT = 200;
export const quoteId = (id: string) => (id.length > QUOTE_LIMIT ? `${id.slice(0, QUOTE_LIMIT)}… (${id.length} characters)` : id);

/** Where the finding says its resource is: the resource's own fields first, then the finding's, then its product ARN's. */
function scopeOf(finding: AsffFinding): ResourceScope {
  const resource = finding.Resources[0]!;
  const [, productPartition, , productRegion] = finding.ProductArn.split(':');
  return {
    account: finding.AwsAccountId,
    partition: resource.Partition ?? productPartition ?? 'aws',
    region: resource.Region ?? finding.Region ?? productRegion ?? '',
  };
}

/**
 * The one identity of the finding's resource (docs/decisions/008): its canonical ARN in the
 * finding's partition, region and account, or the reason it has none. Playbooks act on the last
 * ARN segment, so `x/../bucket`, another service's, region's or account's ARN, or a bare name
 * that could mean another resource would point the change, the tag read and the register at
 * different things.
 */
export function resourceIdentityOf(finding: AsffFinding): { id: string; scope: ResourceScope } | { problem: string } {
  const resource = finding.Resources[0]!;
  if (/[\s\u0000-\u001f]/.test(resource.Id)) return { problem: 'it contains whitespace or control characters' };
  if (resource.Id.split('/').some((segment) => segment === '..' || segment === '.')) return { problem: 'it contains "." or ".." path segments' };
  const scope = scopeOf(finding);
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d$/.test(scope.region)) return { problem: `the finding's region "${scope.region}" is not an AWS Region` };
  if (resource.Partition !== undefined && !finding.ProductArn.startsWith(`arn:${resource.Partition}:`)) {
    return { problem: `its partition ${resource.Partition} is not the partition of the finding's product ${finding.ProductArn}` };
  }
  try {
    return { id: canonicalResourceId(resource.Type, resource.Id, scope), scope };
  } catch (error) {
    if (error instanceof UnresolvableResourceIdError) return { problem: error.reason };
    throw error;
  }
}

/** Parse an execution's input into a typed request, or throw {@link InvalidFindingError} naming what is wrong. */
export function toRemediationRequest(input: unknown): RemediationRequest {
  const envelope = ExecutionInputSchema.safeParse(input);
  if (!envelope.success) {
    throw new InvalidFindingError(`execution input is not { finding, source }: ${z.prettifyError(envelope.error)}`);
  }
  if (envelope.data.oversizedBytes !== undefined) {
    const id = quoteId(findingIdOf(envelope.data.finding) ?? '(no Id)');
    throw new InvalidFindingError(
      `finding ${id} is ${envelope.data.oversizedBytes.toLocaleString('en-US')} bytes as an execution input, more than Step Functions' 262,144-byte limit leaves room for. ` +
        'It is recorded, not remediated: look at it in Security Hub.',
    );
  }
  const parsed = AsffFindingSchema.safeParse(envelope.data.finding);
  if (!parsed.success) {
    const id = quoteId(findingIdOf(envelope.data.finding) ?? '(no Id)');
    throw new InvalidFindingError(`finding ${id} is not valid ASFF: ${z.prettifyError(parsed.error).slice(0, 2000)}`);
  }
  const finding = parsed.data;
  const resource = finding.Resources[0]!;
  const identity = resourceIdentityOf(finding);
  if ('problem' in identity) {
    throw new InvalidFindingError(`finding ${quoteId(finding.Id)}: resource id ${quoteId(resource.Id)} is not usable: ${identity.problem}. Nothing was changed.`);
  }
  const controlIds = controlIdsOf(finding);
  if (controlIds.length === 0) {
    throw new InvalidFindingError(`finding ${quoteId(finding.Id)} names no security control (Compliance.SecurityControlId or GeneratorId)`);
  }
  return {
    findingId: finding.Id,
    productArn: finding.ProductArn,
    controlIds,
    // ASFF titles are at most 256 characters; a longer one is cut rather than carried through every state.
    title: finding.Title.length > 256 ? `${finding.Title.slice(0, 255)}…` : finding.Title,
    severity: finding.Severity.Label,
    complianceStatus: finding.Compliance?.Status ?? 'NOT_AVAILABLE',
    recordState: finding.RecordState ?? 'ACTIVE',
    workflowStatus: finding.Workflow?.Status ?? 'NEW',
    account: identity.scope.account,
    region: identity.scope.region,
    partition: identity.scope.partition,
    // The canonical identity, never the finding's copy of the tags: criticality and exemptions
    // are read live (docs/decisions/008).
    resource: { type: resource.Type, id: identity.id, ...(identity.id !== resource.Id ? { findingId: resource.Id } : {}) },
    updatedAt: finding.UpdatedAt,
    source: envelope.data.source,
    controlParameters: Object.fromEntries((finding.Compliance?.SecurityControlParameters ?? []).map((p) => [p.Name, p.Value])),
  };
}

/** Best-effort finding id of something that may not be a valid finding (for records). */
export function findingIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Id' in value && typeof value.Id === 'string') return value.Id;
  // OCSF (Security Hub): finding_info.uid.
  const info = value && typeof value === 'object' && 'finding_info' in value ? (value.finding_info as { uid?: unknown } | undefined) : undefined;
  if (typeof info?.uid === 'string') return info.uid;
  return undefined;
}
