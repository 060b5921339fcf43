import { InvalidFindingError } from './errors.js';
import {
  ExecutionInputSchema,
  findingIdOf,
  quoteId,
  resourceIdentityOf,
  toRemediationRequest,
  type AsffFinding,
  type RemediationRequest,
} from './finding.js';
import { complianceStatusOf, isOcsfFinding, OCSF_COMPLIANCE_FINDING, OcsfFindingSchema, recordStateOf, severityOf, workflowStatusOf, type OcsfFinding } from './ocsfFinding.js';
import { asffResourceType } from './ocsfResourceTypes.js';

const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const ARN = /^arn:/;

/** The first schema problem as `field.path: message`, so the record names the field. */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(finding)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The resource's id as Rectify resolves it: the ARN among `uid` and `uid_alt` (Security Hub puts
 * a queue URL or a bare name in `uid` and the ARN in `uid_alt`), else the bare `uid`. Two ARNs
 * that disagree name two resources: refused.
 */
function resourceIdOf(resource: OcsfFinding['resources'][number], findingId: string): string {
  const { uid, uid_alt: alt } = resource;
  if (uid && alt && ARN.test(uid) && ARN.test(alt) && uid !== alt) {
    throw new InvalidFindingError(`finding ${quoteId(findingId)}: resources[0].uid ${quoteId(uid)} and resources[0].uid_alt ${quoteId(alt)} name different resources. Nothing was changed.`);
  }
  const id = uid && ARN.test(uid) ? uid : alt && ARN.test(alt) ? alt : uid;
  if (!id) throw new InvalidFindingError(`finding ${quoteId(findingId)}: resources[0] has neither uid nor uid_alt. Nothing was changed.`);
  return id;
}

/** Control ids of an OCSF control finding: `compliance.control`, and the id in its `finding_info.uid` (`…/security-control/EC2.19/finding/…`). */
function controlIdsOf(finding: OcsfFinding): string[] {
  const ids: string[] = [];
  const add = (id: string | undefined) => {
    if (id && !ids.includes(id)) ids.push(id);
  };
  add(finding.compliance.control);
  add(/:security-control\/([^/]+)\/finding\//.exec(finding.finding_info.uid)?.[1]);
  return ids;
}

/** Control parameters (`compliance.control_parameters`, OCSF key/value objects) by name, as ASFF's `SecurityControlParameters`. */
function controlParametersOf(finding: OcsfFinding): Record<string, string[]> {
  return Object.fromEntries(
    (finding.compliance.control_parameters ?? []).map((p) => [p.name, p.values ?? (p.value !== undefined ? p.value.split(',').map((v) => v.trim()) : [])]),
  );
}

/**
 * An OCSF Compliance Finding as the same {@link RemediationRequest} an ASFF finding makes, under
 * the same trust rules (docs/decisions/008, 020): one canonical identity from `resources[0]` in the
 * finding's partition, region and account, the same checks on it (reused from the ASFF path), and
 * the finding's state in ASFF's vocabulary so LoadPolicy decides the same way. Throws
 * {@link InvalidFindingError} naming the field that is wrong.
 */
export function ocsfToRemediationRequest(value: unknown, source: RemediationRequest['source']): RemediationRequest {
  const parsed = OcsfFindingSchema.safeParse(value);
  const id = quoteId(findingIdOf(value) ?? '(no finding_info.uid)');
  if (!parsed.success) throw new InvalidFindingError(`finding ${id} is not a valid OCSF finding: ${describeIssues(parsed.error.issues).slice(0, 2000)}`);
  const finding = parsed.data;
  if (finding.class_uid !== OCSF_COMPLIANCE_FINDING) {
    throw new InvalidFindingError(`finding ${id}: class_uid is ${finding.class_uid}, not ${OCSF_COMPLIANCE_FINDING} (Compliance Finding): Rectify remediates control findings only. Nothing was changed.`);
  }
  const severity = severityOf(finding.severity_id);
  if (!severity) throw new InvalidFindingError(`finding ${id}: severity_id ${finding.severity_id} is not 1-6 (Informational to Fatal). Nothing was changed.`);
  const controlIds = controlIdsOf(finding);
  if (controlIds.length === 0) throw new InvalidFindingError(`finding ${id} names no security control (compliance.control). Nothing was changed.`);
  const resource = finding.resources[0]!;
  const account = finding.cloud.account.uid;
  const owner = resource.owner?.account?.uid;
  if (owner !== undefined && owner !== account) {
    throw new InvalidFindingError(`finding ${id}: resources[0].owner.account.uid ${quoteId(owner)} is not the finding's cloud.account.uid ${account}. Nothing was changed.`);
  }
  const resourceId = resourceIdOf(resource, finding.finding_info.uid);
  const type = asffResourceType(resource.type);
  // Global resources say region "global"; the finding's own region is where Security Hub evaluated them.
  const region = resource.region && AWS_REGION.test(resource.region) ? resource.region : finding.cloud.region;
  // The ASFF path's identity rules, unchanged: the same canonical ARN for the same resource from either hub.
  const identity = resourceIdentityOf({
    ProductArn: finding.metadata.product.uid,
    AwsAccountId: account,
    Region: region,
    Resources: [{ Type: type, Id: resourceId, ...(resource.cloud_partition ? { Partition: resource.cloud_partition } : {}) }],
  } as AsffFinding);
  if ('problem' in identity) {
    throw new InvalidFindingError(`finding ${id}: resources[0] ${quoteId(resourceId)} is not usable: ${identity.problem}. Nothing was changed.`);
  }
  const title = finding.finding_info.title ?? '';
  return {
    findingId: finding.finding_info.uid,
    productArn: finding.metadata.product.uid,
    format: 'OCSF',
    metadataUid: finding.metadata.uid,
    controlIds,
    title: title.length > 256 ? `${title.slice(0, 255)}…` : title,
    severity,
    complianceStatus: complianceStatusOf(finding.compliance),
    recordState: recordStateOf(finding),
    workflowStatus: workflowStatusOf(finding.status_id),
    account: identity.scope.account,
    region: identity.scope.region,
    partition: identity.scope.partition,
    resource: { type, id: identity.id, ...(identity.id !== resourceId ? { findingId: resourceId } : {}) },
    updatedAt: finding.finding_info.modified_time_dt ?? '',
    source,
    controlParameters: controlParametersOf(finding),
  };
}

/**
 * Parse an execution's input — an ASFF finding from Security Hub CSPM or an OCSF finding from
 * Security Hub — into a request, or throw {@link InvalidFindingError} naming what is wrong.
 */
export function requestFromExecutionInput(input: unknown): RemediationRequest {
  const envelope = ExecutionInputSchema.safeParse(input);
  if (envelope.success && envelope.data.oversizedBytes === undefined && isOcsfFinding(envelope.data.finding)) {
    return ocsfToRemediationRequest(envelope.data.finding, envelope.data.source);
  }
  // Envelope problems, oversized findings and ASFF: the ASFF path says what is wrong as it always has.
  return toRemediationRequest(input);
}

/**
 * The finding's state in the request's vocabulary, from a hub copy read again (the re-check at the
 * moment of change): compliance, record state and workflow status of an ASFF or OCSF finding.
 */
export function findingStateOf(
  format: RemediationRequest['format'] | undefined,
  hubCopy: Record<string, unknown>,
): Pick<RemediationRequest, 'complianceStatus' | 'recordState' | 'workflowStatus'> {
  if (format === 'OCSF') {
    const f = hubCopy as Partial<OcsfFinding>;
    return {
      complianceStatus: complianceStatusOf(f.compliance ?? {}),
      recordState: recordStateOf(f as OcsfFinding),
      workflowStatus: workflowStatusOf(f.status_id),
    };
  }
  const a = hubCopy as Partial<AsffFinding>;
  return { complianceStatus: a.Compliance?.Status ?? 'NOT_AVAILABLE', recordState: a.RecordState ?? 'ACTIVE', workflowStatus: a.Workflow?.Status ?? 'NEW' };
}
