import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  BatchUpdateFindingsV2Command,
  CreateTicketV2Command,
  GetFindingsV2Command,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { batchUpdateV2Input, readFindingV2, SuppressionRefusedError } from '../../tasks/aws/securityHubV2.js';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import type { RemediationRequest } from '../../tasks/domain/finding.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import type { WorkflowState } from '../../tasks/domain/workflowState.js';
import { defaultDeps } from '../../tasks/handlers/deps.js';
import { createEscalate } from '../../tasks/handlers/escalate.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { createRecordOutcome } from '../../tasks/handlers/recordOutcome.js';
import { readAudit } from '../../tasks/store/table.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { LOCAL_NAMES, provisionLocal } from '../../workflows/local/provision.js';
import { useMoto } from '../support/moto.js';
import { requestFor } from '../support/request.js';
import { useTaskEnv } from '../support/taskEnv.js';

// moto has none of the V2 calls (nor BatchUpdateFindings): Security Hub alone is mocked; DynamoDB, SNS and SSM are moto's.
const securityHub = mockClient(SecurityHubClient);
// A class stub: the fast tier's next files share this process (docs/decisions/018).
afterAll(() => {
  securityHub.restore();
});

useTaskEnv();
useMoto();
beforeAll(async () => {
  const resources = await provisionLocal(LOCAL_ADMIN_ACCOUNT, [], PolicySchema.parse({ mode: 'auto' }), 'us-east-1');
  process.env[TaskEnv.tableName] = resources.tableName;
  process.env[TaskEnv.escalationsTopicArn] = resources.escalationsTopicArn;
  process.env[TaskEnv.policyParameter] = LOCAL_NAMES.policyParameter;
});
beforeEach(async () => {
  securityHub.reset();
  securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  securityHub.on(BatchUpdateFindingsV2Command).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  await setPolicy({ mode: 'auto' });
});

async function setPolicy(policy: Record<string, unknown>): Promise<void> {
  await adminClient(SSMClient).send(new PutParameterCommand({ Name: LOCAL_NAMES.policyParameter, Type: 'String', Value: JSON.stringify(policy), Overwrite: true }));
}

const asff = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::audit-logs', controlId: 'S3.8', account: '222222222222' });
/** The same failure as the new Security Hub reports it: same id, productv2, its own metadata.uid. */
const ocsf: RemediationRequest = { ...asff, format: 'OCSF', productArn: 'arn:aws:securityhub:us-east-1::productv2/aws/securityhub', metadataUid: 'meta-uid-1' };
const policy = decidePolicy(asff, PolicySchema.parse({ mode: 'auto' }));
const execution = { id: 'arn:aws:states:us-east-1:111111111111:execution:rectify:S3-8-a-abc', name: 'S3-8-a-abc' };
const plan = { summary: 'Turn on 4 settings', changes: [{ description: 'Turn on BlockPublicAcls' }] };
const fixed = { remediation: { dryRun: false, applied: true, plan } };
const v2Identifiers = [{ CloudAccountUid: '222222222222', FindingInfoUid: asff.findingId, MetadataProductUid: ocsf.productArn }];
const v1Identifiers = [{ Id: asff.findingId, ProductArn: asff.productArn }];
const v2Calls = () => securityHub.commandCalls(BatchUpdateFindingsV2Command).map((c) => c.args[0].input);
const v1Calls = () => securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input);

describe('BatchUpdateFindingsV2: the outcome in the finding\'s own hub, and its twin in the other', () => {
  const record = createRecordOutcome(defaultDeps);

  it('REMEDIATED (OCSF): Resolved (4) with the note as comment; the ASFF twin RESOLVED with the same note', async () => {
    // Act
    await record({ outcome: Outcome.REMEDIATED, execution, state: { finding: {}, request: ocsf, policy, ...fixed } });
    // Assess
    const note = expect.stringMatching(/^Rectify REMEDIATED by s3-enable-bucket-block-public-access: fixed and verified: Turn on 4 settings \[execution S3-8-a-abc\]$/);
    expect(v2Calls()).toEqual([{ FindingIdentifiers: v2Identifiers, Comment: note, StatusId: 4 }]);
    expect(v1Calls()).toEqual([
      {
        FindingIdentifiers: v1Identifiers,
        Workflow: { Status: 'RESOLVED' },
        Note: { Text: v2Calls()[0]!.Comment, UpdatedBy: 'rectify' },
        UserDefinedFields: { rectifyExecution: 'S3-8-a-abc', rectifyOutcome: 'REMEDIATED', rectifyPlaybook: 's3-enable-bucket-block-public-access' },
      },
    ]);
  });

  it('REMEDIATED (ASFF): the OCSF twin gets the same comment and Resolved', async () => {
    await record({ outcome: Outcome.REMEDIATED, execution, state: { finding: {}, request: asff, policy, ...fixed } });
    expect(v2Calls()).toEqual([{ FindingIdentifiers: v2Identifiers, Comment: v1Calls()[0]!.Note!.Text, StatusId: 4 }]);
  });

  it('EXEMPT (OCSF): In Progress (2), never Suppressed; the twin gets the note and keeps its status', async () => {
    await record({ outcome: Outcome.EXEMPT, execution, state: { finding: {}, request: ocsf, policy, exemption: { exempt: true, source: 'tag', reason: 'tag rectify:exempt="*"' } } });
    expect(v2Calls()).toEqual([{ FindingIdentifiers: v2Identifiers, Comment: expect.stringContaining('Rectify EXEMPT'), StatusId: 2 }]);
    expect(v1Calls()).toEqual([expect.objectContaining({ FindingIdentifiers: v1Identifiers, Note: { Text: v2Calls()[0]!.Comment, UpdatedBy: 'rectify' } })]);
    expect(v1Calls()[0]).not.toHaveProperty('Workflow');
  });

  it('a finding that was already compliant is not resolved (Rectify did not fix it), and its twin is not written', async () => {
    await record({ outcome: Outcome.REMEDIATED, execution, state: { finding: {}, request: ocsf, policy, remediation: { dryRun: false, applied: false, plan } } });
    expect(v2Calls()).toEqual([{ FindingIdentifiers: v2Identifiers, Comment: expect.stringContaining('already compliant when checked; nothing changed'), StatusId: 2 }]);
    expect(v1Calls()).toEqual([]);
  });

  it('REMEDIATED (ASFF): an OCSF twin a person suppressed keeps its status and gets the note only (read live before resolving it)', async () => {
    // Prepare: the new hub holds the twin as Suppressed (3)
    securityHub.on(GetFindingsV2Command).resolves({
      Findings: [{ finding_info: { uid: asff.findingId }, metadata: { product: { uid: ocsf.productArn } }, cloud: { account: { uid: '222222222222' } }, status_id: 3 }],
    });
    // Act
    await record({ outcome: Outcome.REMEDIATED, execution, state: { finding: {}, request: asff, policy, ...fixed } });
    // Assess
    expect(v1Calls()[0]!.Workflow).toEqual({ Status: 'RESOLVED' });
    expect(v2Calls()).toEqual([{ FindingIdentifiers: v2Identifiers, Comment: v1Calls()[0]!.Note!.Text }]);
  });

  it.each([Outcome.DUPLICATE, Outcome.POLICY_SKIPPED])('%s is about this finding alone: its twin is not written', async (outcome) => {
    await record({ outcome, execution, state: { finding: {}, request: ocsf, policy } });
    expect(v2Calls()).toHaveLength(1);
    expect(v1Calls()).toEqual([]);
  });

  it('a finding that was closed when read (its twin resolved it) is left as it is, and the audit says so', async () => {
    // Act
    await record({ outcome: Outcome.POLICY_SKIPPED, execution: { ...execution, name: 'closed-1' }, state: { finding: {}, request: { ...ocsf, workflowStatus: 'RESOLVED' }, policy } });
    // Assess
    expect(v2Calls()).toEqual([]);
    expect(v1Calls()).toEqual([]);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'closed-1');
    expect(audit.at(-1)?.detail).toMatchObject({ left: 'finding was RESOLVED in Security Hub when read: left as it is' });
  });

  it('a finding its twin resolved after this execution read it is left as it is: read again before a write that does not resolve', async () => {
    // Prepare: the hub holds it Resolved now
    securityHub.on(GetFindingsV2Command).resolves({
      Findings: [{ finding_info: { uid: asff.findingId }, metadata: { product: { uid: ocsf.productArn } }, cloud: { account: { uid: '222222222222' } }, status_id: 4 }],
    });
    // Act
    await record({ outcome: Outcome.DUPLICATE, execution: { ...execution, name: 'closed-2' }, state: { finding: {}, request: ocsf, policy } });
    await record({ outcome: Outcome.REMEDIATED, execution, state: { finding: {}, request: ocsf, policy, ...fixed } });
    // Assess: the duplicate wrote nothing; the fix wrote without reading first
    expect(v2Calls().map((i) => i.StatusId)).toEqual([4]);
    expect(securityHub.commandCalls(GetFindingsV2Command)).toHaveLength(1);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'closed-2');
    expect(String((audit.at(-1)?.detail as { left?: string }).left)).toContain('closed in Security Hub since this execution read it');
  });

  it('no outcome ever sets an OCSF finding to Suppressed (3) or an ASFF one to SUPPRESSED', async () => {
    for (const outcome of Object.values(Outcome)) await record({ outcome, execution, state: { finding: {}, request: ocsf, policy, ...fixed } });
    expect(v2Calls().map((i) => i.StatusId).filter((s) => s !== undefined)).not.toContain(3);
    expect(v1Calls().map((i) => i.Workflow?.Status)).not.toContain('SUPPRESSED');
    expect(() => batchUpdateV2Input(v2Identifiers.map((i) => ({ id: i.FindingInfoUid, productArn: i.MetadataProductUid, account: i.CloudAccountUid })), { status: 'SUPPRESSED', note: 'n' })).toThrow(SuppressionRefusedError);
  });
});

describe('CreateTicketV2: escalations as tickets when the policy names a connector', () => {
  const escalate = createEscalate(defaultDeps);
  const failed: WorkflowState = { finding: {}, request: ocsf, policy, ...fixed, escalation: { outcome: Outcome.FAILED_ROLLED_BACK, reason: 'verify failed; restored' } };
  /** The failed state as LoadPolicy left it: the policy it read, naming (or not) a ticketing connector. */
  const loaded = (policyJson: Record<string, unknown>, state: WorkflowState = failed): WorkflowState => ({ ...state, policy: { ...policy, policy: PolicySchema.parse(policyJson) } });

  it('opens one ticket for the finding, idempotent on the execution, after the comment carries plan, error and link; the id lands in the note and the audit', async () => {
    // Prepare
    securityHub.on(CreateTicketV2Command).resolves({ TicketId: 'SEC-42', TicketSrcUrl: 'https://example.atlassian.net/browse/SEC-42' });
    const run = { ...execution, name: 'ticket-1' };
    // Act
    await escalate({ execution: run, state: loaded({ mode: 'auto', ticketing: { connectorId: 'c0ffee-connector' } }) });
    // Assess
    expect(securityHub.commandCalls(CreateTicketV2Command).map((c) => c.args[0].input)).toEqual([{ ConnectorId: 'c0ffee-connector', FindingMetadataUid: 'meta-uid-1', ClientToken: 'ticket-1' }]);
    const [before, after] = v2Calls();
    expect(before!.Comment).toBe(
      'Rectify FAILED_ROLLED_BACK: verify failed; restored. Plan: Turn on 4 settings. Execution: ' +
        `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${execution.id} [execution ticket-1]`,
    );
    expect(after).toEqual({ FindingIdentifiers: v2Identifiers, Comment: before!.Comment!.replace('FAILED_ROLLED_BACK:', 'FAILED_ROLLED_BACK (ticket SEC-42):'), StatusId: 2 });
    // The ASFF twin carries the same notes.
    expect(v1Calls().map((i) => i.Note?.Text)).toEqual([before!.Comment, after!.Comment]);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'ticket-1');
    expect(audit.at(-1)).toMatchObject({ event: AuditEvent.ESCALATED, detail: { ticket: { ticketId: 'SEC-42' } } });
  });

  it('an ASFF finding cannot be ticketed (CreateTicketV2 takes an OCSF finding): none is opened, and the audit says why', async () => {
    await escalate({ execution: { ...execution, name: 'ticket-2' }, state: loaded({ mode: 'auto', ticketing: { connectorId: 'c0ffee-connector' } }, { ...failed, request: asff }) });
    expect(securityHub.commandCalls(CreateTicketV2Command)).toEqual([]);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'ticket-2');
    expect(String((audit.at(-1)?.detail as { ticket: { problem: string } }).ticket.problem)).toContain('Security Hub CSPM (ASFF)');
  });

  it('without a connector no ticket is opened and the note is the usual one', async () => {
    await escalate({ execution: { ...execution, name: 'ticket-3' }, state: loaded({ mode: 'auto' }) });
    expect(securityHub.commandCalls(CreateTicketV2Command)).toEqual([]);
    expect(v2Calls()[0]!.Comment).toBe('Rectify FAILED_ROLLED_BACK: verify failed; restored [execution ticket-3]');
  });

  it('reads the connector from the policy this execution loaded, not the parameter now: none loaded, no ticket, and the audit says why', async () => {
    // Prepare: the parameter names a connector, but this execution ended before LoadPolicy read it.
    await setPolicy({ mode: 'auto', ticketing: { connectorId: 'c0ffee-connector' } });
    // Act
    await escalate({ execution: { ...execution, name: 'ticket-5' }, state: failed });
    // Assess
    expect(securityHub.commandCalls(CreateTicketV2Command)).toEqual([]);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'ticket-5');
    expect(audit.at(-1)?.detail).toMatchObject({ ticket: { problem: expect.stringContaining('before its policy was loaded') } });
  });

  it('an escalation leaves a finding a person closed since this execution read it: read again before writing NOTIFIED', async () => {
    // Prepare: the hub holds it Suppressed now (a person's decision)
    securityHub.on(GetFindingsV2Command).resolves({
      Findings: [{ finding_info: { uid: asff.findingId }, metadata: { product: { uid: ocsf.productArn } }, cloud: { account: { uid: '222222222222' } }, status_id: 3 }],
    });
    // Act
    await escalate({ execution: { ...execution, name: 'closed-3' }, state: loaded({ mode: 'auto' }) });
    // Assess: no status written to it; the twin gets the note only; the audit says why
    expect(v2Calls()).toEqual([]);
    expect(v1Calls().map((i) => i.Workflow)).toEqual([undefined]);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'closed-3');
    expect(String((audit.at(-1)?.detail as { left?: string }).left)).toContain('closed in Security Hub since this execution read it');
  });

  it('a failing connector does not stop the escalation: the note is written, the failure audited', async () => {
    securityHub.on(CreateTicketV2Command).rejects(Object.assign(new Error('connector gone'), { name: 'ResourceNotFoundException' }));
    await escalate({ execution: { ...execution, name: 'ticket-4' }, state: loaded({ mode: 'auto', ticketing: { connectorId: 'gone' } }) });
    expect(v2Calls()).toHaveLength(1);
    const audit = await readAudit(process.env[TaskEnv.tableName]!, 'ticket-4');
    expect(audit.at(-1)?.detail).toMatchObject({ ticket: { problem: 'no ticket: CreateTicketV2 failed (ResourceNotFoundException: connector gone)' } });
  });
});

describe('GetFindingsV2: the hub\'s own copy', () => {
  const ref = { id: asff.findingId, productArn: ocsf.productArn, account: '222222222222' };

  it('asks for exactly this finding, and takes only an answer that is it', async () => {
    // Prepare: an answer that ignores filters lends nothing
    const other = { finding_info: { uid: 'other' }, metadata: { product: { uid: ref.productArn } }, cloud: { account: { uid: ref.account } } };
    securityHub.on(GetFindingsV2Command).resolves({ Findings: [other] });
    // Act / Assess
    expect(await readFindingV2(ref)).toBeUndefined();
    expect(securityHub.commandCalls(GetFindingsV2Command)[0]!.args[0].input).toEqual({
      Filters: {
        CompositeFilters: [
          {
            StringFilters: [
              { FieldName: 'finding_info.uid', Filter: { Value: ref.id, Comparison: 'EQUALS' } },
              { FieldName: 'metadata.product.uid', Filter: { Value: ref.productArn, Comparison: 'EQUALS' } },
              { FieldName: 'cloud.account.uid', Filter: { Value: ref.account, Comparison: 'EQUALS' } },
            ],
            Operator: 'AND',
          },
        ],
        CompositeOperator: 'AND',
      },
      MaxResults: 1,
    });
  });
});
