import { createHash } from 'node:crypto';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { adminClient } from '../../../tasks/aws/clientFactory.js';
import type { SecurityHubAdapter } from '../securityHubAdapter.js';
import type { LocalOcsfFinding } from '../securityHubV2Adapter.js';
import type { EstateItem } from './estate.js';

const SEVERITY_ID = { LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 } as const;
const AT = '2026-11-28T09:00:00.000Z';
const findingId = (item: EstateItem) => `arn:aws:securityhub:us-east-1:${item.account}:security-control/${item.controlId}/finding/sandbox-${item.key}`;

/** An estate item's finding as Security Hub CSPM reports it (ASFF). */
function asffFinding(item: EstateItem, resourceId: string): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId(item),
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: `security-control/${item.controlId}`,
    AwsAccountId: item.account,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    CreatedAt: AT,
    UpdatedAt: AT,
    Severity: { Label: item.severity },
    Title: `${item.controlId}: ${item.story}`,
    Compliance: { Status: 'FAILED', SecurityControlId: item.controlId },
    Resources: [{ Type: item.resourceType, Id: resourceId, Partition: 'aws', Region: 'us-east-1' }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** An estate item's finding as the new Security Hub reports it (OCSF Compliance Finding, `Findings Imported V2`). */
function ocsfFinding(item: EstateItem, resourceId: string, ocsfType: string): LocalOcsfFinding {
  const uid = findingId(item);
  return {
    activity_id: 1,
    activity_name: 'Create',
    class_name: 'Compliance Finding',
    class_uid: 2003,
    type_uid: 200301,
    cloud: { account: { uid: item.account }, provider: 'AWS', region: 'us-east-1' },
    compliance: { control: item.controlId, status: 'Fail', status_id: 3 },
    finding_info: { uid, title: `${item.controlId}: ${item.story}`, created_time_dt: AT, modified_time_dt: AT },
    metadata: { uid: createHash('sha256').update(uid).digest('hex'), product: { name: 'Security Hub', uid: 'arn:aws:securityhub:us-east-1::productv2/aws/securityhub' }, version: '1.6.0' },
    resources: [{ type: ocsfType, uid_alt: resourceId, uid: resourceId.split(':').pop(), cloud_partition: 'aws', region: 'us-east-1', owner: { account: { uid: item.account } } }],
    severity_id: SEVERITY_ID[item.severity],
    status: 'New',
    status_id: 1,
  };
}

/** The finding an estate item arrives with: OCSF when it names an OCSF resource type, ASFF otherwise. */
export function estateFinding(item: EstateItem, resourceId: string): Record<string, unknown> {
  return item.ocsfResourceType ? ocsfFinding(item, resourceId, item.ocsfResourceType) : asffFinding(item, resourceId);
}

/**
 * Import the estate's findings into their hubs and return the events that carry them to intake:
 * one `Security Hub Findings - Imported` with every ASFF finding, one `Findings Imported V2` per
 * OCSF finding (Security Hub sends one finding per event).
 */
export async function importEstateFindings(securityHub: SecurityHubAdapter, findings: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const asff = findings.filter((f) => 'Id' in f);
  const ocsf = findings.filter((f) => !('Id' in f)) as LocalOcsfFinding[];
  if (asff.length) await adminClient(SecurityHubClient).send(new BatchImportFindingsCommand({ Findings: asff as never }));
  ocsf.forEach((f) => securityHub.v2.import(f));
  const event = (detailType: string, list: readonly unknown[]) => ({ 'detail-type': detailType, source: 'aws.securityhub', detail: { findings: list } });
  return [...(asff.length ? [event('Security Hub Findings - Imported', asff)] : []), ...ocsf.map((f) => event('Findings Imported V2', [f]))];
}
