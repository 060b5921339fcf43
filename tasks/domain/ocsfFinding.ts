// zod/mini: ValidateFinding's bundle carries this schema (docs/decisions/014, 020).
import * as z from 'zod/mini';

/**
 * The part of an OCSF finding from the new AWS Security Hub (`Findings Imported V2`,
 * `GetFindingsV2`) that Rectify reads. Control findings are OCSF Compliance Findings
 * (`class_uid` 2003); every other class is refused (docs/decisions/020). Unknown fields are kept.
 * Field names: docs/finding-formats.md and test/fixtures/ocsf/README.md (sources cited there).
 */
export const OCSF_COMPLIANCE_FINDING = 2003;

const Text = z.string().check(z.minLength(1));

const OcsfResourceSchema = z.looseObject({
  /** CloudFormation-style type, e.g. `AWS::EC2::SecurityGroup`. */
  type: Text,
  /** The resource's id: an ARN, or a bare name, id or URL (SQS). */
  uid: z.optional(Text),
  /** Its other id; Security Hub puts the ARN here when `uid` is not one. */
  uid_alt: z.optional(Text),
  region: z.optional(z.string()),
  cloud_partition: z.optional(z.string()),
  owner: z.optional(z.looseObject({ account: z.optional(z.looseObject({ uid: z.optional(z.string()) })) })),
});

const ControlParameterSchema = z.looseObject({
  name: Text,
  value: z.optional(z.string()),
  values: z.optional(z.array(z.string())),
});

export const OcsfFindingSchema = z.looseObject({
  class_uid: z.number(),
  activity_id: z.optional(z.number()),
  activity_name: z.optional(z.string()),
  severity_id: z.number(),
  status_id: z.optional(z.number()),
  metadata: z.looseObject({
    /** Globally unique id of this finding (CreateTicketV2 takes it). */
    uid: Text,
    product: z.looseObject({ uid: Text }),
  }),
  cloud: z.looseObject({
    account: z.looseObject({ uid: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')) }),
    region: z.optional(z.string()),
  }),
  finding_info: z.looseObject({
    uid: z.string().check(z.minLength(1), z.maxLength(512)),
    title: z.optional(z.string()),
    modified_time_dt: z.optional(z.string()),
  }),
  compliance: z.looseObject({
    control: z.optional(z.string()),
    status_id: z.optional(z.number()),
    status: z.optional(z.string()),
    control_parameters: z.optional(z.array(ControlParameterSchema)),
  }),
  resources: z.array(OcsfResourceSchema).check(z.minLength(1, 'a finding needs at least one resource')),
});
export type OcsfFinding = z.infer<typeof OcsfFindingSchema>;

/**
 * Whether a value is an OCSF finding rather than ASFF: OCSF names are lower-case
 * (`class_uid`, `finding_info`, `metadata`), ASFF's are not (`SchemaVersion`, `Id`).
 */
export function isOcsfFinding(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return !('Id' in v) && ('class_uid' in v || 'finding_info' in v || 'metadata' in v);
}

const SEVERITY: Readonly<Record<number, 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'>> = {
  1: 'INFORMATIONAL',
  2: 'LOW',
  3: 'MEDIUM',
  4: 'HIGH',
  5: 'CRITICAL',
  // OCSF's "Fatal": above Critical, which is the highest Rectify knows.
  6: 'CRITICAL',
};

/** OCSF `severity_id` as the request's severity label, or undefined (Unknown, Other, anything else). */
export const severityOf = (severityId: number) => SEVERITY[severityId];

/** `compliance.status_id` (1 Pass, 2 Warning, 3 Fail) in the request's ASFF vocabulary; the caption when the id is absent. */
export function complianceStatusOf(compliance: OcsfFinding['compliance']): string {
  const byId: Record<number, string> = { 1: 'PASSED', 2: 'WARNING', 3: 'FAILED' };
  const byName: Record<string, string> = { pass: 'PASSED', warning: 'WARNING', fail: 'FAILED' };
  if (compliance.status_id !== undefined) return byId[compliance.status_id] ?? 'NOT_AVAILABLE';
  return byName[(compliance.status ?? '').toLowerCase()] ?? 'NOT_AVAILABLE';
}

/** `activity_id` 3 (`Close`) is a closed finding: ASFF's ARCHIVED record state. */
export function recordStateOf(finding: OcsfFinding): 'ACTIVE' | 'ARCHIVED' {
  return finding.activity_id === 3 || finding.activity_name?.toLowerCase() === 'close' ? 'ARCHIVED' : 'ACTIVE';
}

/**
 * OCSF `status_id` in the request's workflow vocabulary: New → NEW, In Progress → NOTIFIED (what
 * Rectify sets), Suppressed → SUPPRESSED, Resolved and Archived → RESOLVED. Unknown (0), Other (99),
 * Deleted and anything else are not open: `UNKNOWN`, which LoadPolicy does not act on.
 */
export function workflowStatusOf(statusId: number | undefined): string {
  if (statusId === undefined) return 'NEW';
  const byId: Record<number, string> = { 1: 'NEW', 2: 'NOTIFIED', 3: 'SUPPRESSED', 4: 'RESOLVED', 5: 'RESOLVED' };
  return byId[statusId] ?? 'UNKNOWN';
}

/** BatchUpdateFindingsV2 `StatusId` for the workflow status Rectify sets; Suppressed (3) is never one of them. */
export const OCSF_STATUS_ID = { NOTIFIED: 2, RESOLVED: 4 } as const;
