import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fitNote, NOTE_LIMIT, updateFindings } from '../../tasks/aws/securityHub.js';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import type { WorkflowState } from '../../tasks/domain/workflowState.js';
import { defaultDeps } from '../../tasks/handlers/deps.js';
import { createEscalate } from '../../tasks/handlers/escalate.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { createRecordOutcome } from '../../tasks/handlers/recordOutcome.js';
import { readAudit } from '../../tasks/store/table.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { provisionLocal, type LocalResources } from '../../workflows/local/provision.js';
import { takeDelivered } from '../support/delivered.js';
import { useMoto } from '../support/moto.js';
import { requestFor } from '../support/request.js';
import { useTaskEnv } from '../support/taskEnv.js';

// moto has no BatchUpdateFindings: Security Hub alone is mocked. SNS, DynamoDB and SQS are moto's.
const securityHub = mockClient(SecurityHubClient);

useTaskEnv();
useMoto();
let resources: LocalResources;
const savedEnv: Record<string, string | undefined> = {};
beforeAll(async () => {
  // The table and topics the admin stack deploys, with a queue subscribed to both topics.
  resources = await provisionLocal(LOCAL_ADMIN_ACCOUNT, [], PolicySchema.parse({ mode: 'auto' }), 'us-east-1');
  for (const [key, value] of [[TaskEnv.tableName, resources.tableName], [TaskEnv.escalationsTopicArn, resources.escalationsTopicArn], [TaskEnv.approvalsTopicArn, resources.approvalsTopicArn]] as const) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
});
afterAll(() => {
  Object.entries(savedEnv).forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v)));
  // The stub replaced send on every SecurityHubClient; later files in this process use the real one (docs/decisions/018).
  securityHub.restore();
});
beforeEach(async () => {
  securityHub.reset();
  securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
  await published(); // each test reads only what it published
});

/** What the topics delivered since the last call, taken off the queue. */
const published = () => takeDelivered(resources.notificationsQueueUrl);

const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::audit-logs', controlId: 'S3.8', account: '222222222222' });
const policy = decidePolicy(request, PolicySchema.parse({ mode: 'auto' }));
const execution = { id: 'arn:aws:states:us-east-1:111111111111:execution:rectify:S3-8-a-abc', name: 'S3-8-a-abc' };
const plan = { summary: 'Turn on 4 settings', changes: [{ description: 'Turn on BlockPublicAcls' }] };
const base: WorkflowState = { finding: {}, request, policy };
const identifiers = [{ Id: request.findingId, ProductArn: request.productArn }];

/** ASFF limits that BatchUpdateFindings and BatchImportFindings enforce. */
function expectWithinAsffLimits(input: { Note?: { Text?: string }; UserDefinedFields?: Record<string, string> }) {
  expect(input.Note?.Text?.length ?? 0).toBeLessThanOrEqual(512);
  for (const [k, v] of Object.entries(input.UserDefinedFields ?? {})) {
    expect(k.length).toBeLessThanOrEqual(128);
    expect(v.length).toBeLessThanOrEqual(1024);
  }
}

describe('Security Hub write-back for each outcome', () => {
  const record = createRecordOutcome(defaultDeps);
  const escalate = createEscalate(defaultDeps);

  it.each([
    [Outcome.REMEDIATED, 'RESOLVED', { remediation: { dryRun: false, applied: true, plan } }],
    [Outcome.DRY_RUN, 'NOTIFIED', { remediation: { dryRun: true, applied: false, plan } }],
    [Outcome.EXEMPT, 'NOTIFIED', { exemption: { exempt: true, source: 'tag' as const, reason: 'tag rectify:exempt="*"' } }],
    [Outcome.REJECTED, 'NOTIFIED', { error: { Error: 'ApprovalRejected', Cause: 'Rejected by Ada' } }],
    [Outcome.NO_PLAYBOOK, 'NOTIFIED', {}],
    [Outcome.POLICY_SKIPPED, 'NOTIFIED', {}],
    [Outcome.DUPLICATE, 'NOTIFIED', { guards: { approvalRequired: false, duplicate: true, reasons: ['execution X is already remediating'] } }],
  ])('%s: workflow %s, a note naming outcome, playbook and execution, and linking fields', async (outcome, status, extra) => {
    // Act
    await record({ outcome, execution, state: { ...base, ...extra } });
    // Assess
    const input = securityHub.commandCalls(BatchUpdateFindingsCommand)[0]!.args[0].input;
    expect(input).toEqual({
      FindingIdentifiers: identifiers,
      Workflow: { Status: status },
      Note: { Text: expect.stringMatching(new RegExp(`^Rectify ${outcome} by s3-enable-bucket-block-public-access: .*\\[execution S3-8-a-abc\\]$`)), UpdatedBy: 'rectify' },
      UserDefinedFields: { rectifyExecution: 'S3-8-a-abc', rectifyOutcome: outcome, rectifyPlaybook: 's3-enable-bucket-block-public-access' },
    });
    expectWithinAsffLimits(input);
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(outcome === Outcome.REMEDIATED ? 1 : 0);
  });

  it('INVALID: no write-back is attempted for a finding that could not be read', async () => {
    await record({ outcome: Outcome.INVALID, execution, state: { finding: { nonsense: true }, error: { Error: 'InvalidFinding', Cause: 'bad' } } });
    expect(securityHub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
  });

  it('REMEDIATED also imports an outcome finding of Rectify\'s own product in the administrator account', async () => {
    await record({ outcome: Outcome.REMEDIATED, execution, state: { ...base, remediation: { dryRun: false, applied: true, plan } } });
    const [finding] = securityHub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings!;
    expect(finding).toMatchObject({
      Id: 'rectify/S3-8-a-abc',
      ProductArn: 'arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default',
      AwsAccountId: '111111111111',
      GeneratorId: 'rectify/s3-enable-bucket-block-public-access',
      Severity: { Label: 'INFORMATIONAL' },
      Resources: [{ Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::audit-logs', Region: 'us-east-1' }],
      ProductFields: { 'rectify/outcome': 'REMEDIATED', 'rectify/resourceAccount': '222222222222' },
      Workflow: { Status: 'RESOLVED' },
    });
    expect(finding!.Description).toContain('Turn on BlockPublicAcls');
    expect(finding!.Title!.length).toBeLessThanOrEqual(256);
    expect(finding!.Description!.length).toBeLessThanOrEqual(1024);
  });

  it.each([
    [Outcome.FAILED_ROLLED_BACK, 'MEDIUM'],
    [Outcome.FAILED_ROLLBACK_FAILED, 'HIGH'],
    [Outcome.APPROVAL_TIMED_OUT, undefined],
    [Outcome.ESCALATED, undefined],
    [Outcome.FLAP_GUARDED, undefined],
  ])('%s escalates: NOTIFIED with the reason, and an outcome finding only for a failed change', async (outcome, severity) => {
    const escalation = await escalate({ execution, state: { ...base, escalation: { outcome, reason: 'because' } } });
    const input = securityHub.commandCalls(BatchUpdateFindingsCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FindingIdentifiers: identifiers, Workflow: { Status: 'NOTIFIED' }, UserDefinedFields: { rectifyOutcome: outcome } });
    expect(input.Note!.Text).toBe(`Rectify ${outcome}: because [execution S3-8-a-abc]`);
    const imported = securityHub.commandCalls(BatchImportFindingsCommand);
    if (severity) expect(imported[0]!.args[0].input.Findings![0]!.Severity).toEqual({ Label: severity });
    else expect(imported).toHaveLength(0);
    // The email is the workflow's to send (NotifyEscalation, Step Functions' SNS integration): Escalate returns it and publishes nothing.
    expect(await published()).toEqual([]);
    expect(escalation.notification.subject).toBe(`[Rectify] ${outcome}: S3.8 on audit-logs`);
    expect(escalation.notification.message).toContain('Reason: because');
    const audit = await readAudit(resources.tableName, execution.name);
    expect(audit.at(-1)).toMatchObject({ event: AuditEvent.ESCALATED, outcome, findingId: request.findingId });
  });
});

describe('updateFindings: batching and partial failures', () => {
  const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `f-${i}`, productArn: 'p' }));

  it('sends at most 100 findings per call', async () => {
    await updateFindings(refs(150), { status: 'NOTIFIED', note: 'n', fields: {} });
    expect(securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input.FindingIdentifiers!.length)).toEqual([100, 50]);
  });

  it('retries only the unprocessed findings, and returns the ones that still fail', async () => {
    // Prepare: f-1 fails once then works; f-2 always fails
    let calls = 0;
    securityHub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string; ProductArn: string }[] }) => {
      calls++;
      const failing = input.FindingIdentifiers.filter((f) => f.Id === 'f-2' || (f.Id === 'f-1' && calls === 1));
      return { ProcessedFindings: [], UnprocessedFindings: failing.map((f) => ({ FindingIdentifier: f, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'busy' })) };
    });
    // Act
    const failures = await updateFindings(refs(3), { status: 'RESOLVED', note: 'n', fields: {} }, { attempts: 3, backoffMs: 1 });
    // Assess
    expect(failures).toEqual([{ id: 'f-2', error: 'ConcurrentUpdateError: busy' }]);
    const sent = securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input.FindingIdentifiers!.map((f) => f.Id));
    expect(sent).toEqual([['f-0', 'f-1', 'f-2'], ['f-1', 'f-2'], ['f-2']]);
  });

  it('fits a long note into 512 characters and keeps the execution reference at the end', () => {
    const note = fitNote(`Rectify REMEDIATED: ${'x'.repeat(600)} [execution S3-8-a-abc]`);
    expect(note.length).toBe(NOTE_LIMIT);
    expect(note.endsWith('… [execution S3-8-a-abc]')).toBe(true);
  });
});
