import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEvent, ErrorName, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { executionNameFor, startExecutions } from '../../tasks/handlers/intake.js';
import { listBreakers, resetBreaker } from '../../tasks/store/guardrails.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { finished, type Finished } from '../support/findings.js';
import { useMoto } from '../support/moto.js';
import { ACCOUNTS, baseFinding, hostileFinding, hostility, ID_FORMS, STRANGER, type Hostility } from './arbitraries.js';
import { describeHostileFindingProperties } from './hostileFindingProperties.js';

/** How many generated cases each end-to-end check ran (printed at the end, and asserted). */
const cases: Record<string, number> = {};
afterAll(() => console.info(`[hardening] hostile finding cases end to end: ${JSON.stringify(cases)}`));

// The pure properties at a tenth of their size; the slow tier runs them whole (hostileFindings.slow.test.ts).
describeHostileFindingProperties(0.1);

/** Real, non-compliant resources in the admin account that hostile findings point at. */
const VICTIMS = { bucket: 'victim-bucket', queue: 'victim-queue', table: 'victim-table', sg: 'victim-sg', exemptBucket: 'exempt-victim-bucket', exemptSg: 'exempt-victim-sg' } as const;
const CHANGE_EVENTS: string[] = [AuditEvent.APPLIED, AuditEvent.SNAPSHOT_TAKEN, AuditEvent.APPROVAL_REQUESTED];
// DUPLICATE: two findings of one batch can name the same (non-existent) resource; the second waits for nothing and changes nothing.
const NO_CHANGE_OUTCOMES: string[] = [Outcome.EXEMPT, Outcome.INVALID, Outcome.NO_PLAYBOOK, Outcome.POLICY_SKIPPED, Outcome.FAILED_ROLLED_BACK, Outcome.ESCALATED, Outcome.DUPLICATE];
const ERROR_NAMES: string[] = Object.values(ErrorName);

describe('hostile findings through the intake and the workflow (moto)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  const victims: Record<string, string> = {};
  let keyId = '';
  let groupId = '';
  let exemptGroupId = '';

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'auto' }),
      memberAccounts: [ACCOUNTS[1]],
      approver: () => 'approve',
      saveTraces: false,
    });
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: VICTIMS.bucket } });
    keyId = String(((await callAws({ service: 'KMS', command: 'CreateKey', params: { Description: 'victim' } })).KeyMetadata as { KeyId: string }).KeyId);
    await callAws({ service: 'SQS', command: 'CreateQueue', params: { QueueName: VICTIMS.queue, Attributes: { SqsManagedSseEnabled: 'false' } } });
    await callAws({
      service: 'DynamoDB',
      command: 'CreateTable',
      params: { TableName: VICTIMS.table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] },
    });
    groupId = String((await callAws({ service: 'EC2', command: 'CreateSecurityGroup', params: { GroupName: VICTIMS.sg, Description: 'victim' } })).GroupId);
    await callAws({
      service: 'EC2',
      command: 'AuthorizeSecurityGroupIngress',
      params: { GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
    });
    // Exempt victims (rectify:exempt=*, non-compliant like the others) for the id forms: a bare or odd id must not escape the tag read.
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: VICTIMS.exemptBucket } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: VICTIMS.exemptBucket, Tagging: { TagSet: [{ Key: 'rectify:exempt', Value: '*' }] } } });
    exemptGroupId = String(
      (await callAws({
        service: 'EC2',
        command: 'CreateSecurityGroup',
        params: { GroupName: VICTIMS.exemptSg, Description: 'exempt victim', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'rectify:exempt', Value: '*' }] }] },
      })).GroupId,
    );
    await callAws({
      service: 'EC2',
      command: 'AuthorizeSecurityGroupIngress',
      params: { GroupId: exemptGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
    });
    Object.assign(victims, {
      'exempt:AwsS3Bucket': `arn:aws:s3:::${VICTIMS.exemptBucket}`,
      'exempt:AwsEc2SecurityGroup': `arn:aws:ec2:us-east-1:${ACCOUNTS[0]}:security-group/${exemptGroupId}`,
      AwsS3Bucket: `arn:aws:s3:::${VICTIMS.bucket}`,
      AwsKmsKey: `arn:aws:kms:us-east-1:${ACCOUNTS[0]}:key/${keyId}`,
      AwsSqsQueue: `arn:aws:sqs:us-east-1:${ACCOUNTS[0]}:${VICTIMS.queue}`,
      AwsDynamoDbTable: `arn:aws:dynamodb:us-east-1:${ACCOUNTS[0]}:table/${VICTIMS.table}`,
      AwsEc2SecurityGroup: `arn:aws:ec2:us-east-1:${ACCOUNTS[0]}:security-group/${groupId}`,
    });
  });
  afterAll(async () => runtime?.stop());

  /** Every victim is exactly as non-compliant as it was created. */
  async function expectVictimsUntouched(): Promise<void> {
    await expect(callAws({ service: 'S3', command: 'GetPublicAccessBlock', params: { Bucket: VICTIMS.bucket } })).rejects.toThrow(/NoSuchPublicAccessBlockConfiguration|public access block/i);
    expect((await callAws({ service: 'S3', command: 'GetBucketVersioning', params: { Bucket: VICTIMS.bucket } })).Status).toBeUndefined();
    expect((await callAws({ service: 'KMS', command: 'GetKeyRotationStatus', params: { KeyId: keyId } })).KeyRotationEnabled).toBe(false);
    const { QueueUrl } = await callAws({ service: 'SQS', command: 'GetQueueUrl', params: { QueueName: VICTIMS.queue } });
    expect(await callAws({ service: 'SQS', command: 'GetQueueAttributes', params: { QueueUrl, AttributeNames: ['SqsManagedSseEnabled'] } })).toMatchObject({ Attributes: { SqsManagedSseEnabled: 'false' } });
    expect(await callAws({ service: 'DynamoDB', command: 'DescribeContinuousBackups', params: { TableName: VICTIMS.table } })).toMatchObject({
      ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } },
    });
    const rules = (await callAws({ service: 'EC2', command: 'DescribeSecurityGroupRules', params: { Filters: [{ Name: 'group-id', Values: [groupId] }] } })).SecurityGroupRules as { FromPort?: number; CidrIpv4?: string; IsEgress?: boolean }[];
    expect(rules).toContainEqual(expect.objectContaining({ IsEgress: false, FromPort: 22, CidrIpv4: '0.0.0.0/0' }));
    await expect(callAws({ service: 'S3', command: 'GetPublicAccessBlock', params: { Bucket: VICTIMS.exemptBucket } })).rejects.toThrow(/NoSuchPublicAccessBlockConfiguration|public access block/i);
    const exemptRules = (await callAws({ service: 'EC2', command: 'DescribeSecurityGroupRules', params: { Filters: [{ Name: 'group-id', Values: [exemptGroupId] }] } })).SecurityGroupRules;
    expect(exemptRules).toContainEqual(expect.objectContaining({ IsEgress: false, FromPort: 22, CidrIpv4: '0.0.0.0/0' }));
  }

  /** One execution's record: an outcome that changes nothing, no change events, a named error if it failed. */
  function expectNoChangeRecorded(run: Finished, h: Hostility): void {
    const events = run.audit.map((a) => a.event);
    const context = `${h.kind} ${JSON.stringify(h).slice(0, 200)} → ${run.status} ${run.error ?? ''} ${run.outcome} [${events.join(',')}]`;
    expect(run.outcome, context).not.toBe('UNKNOWN');
    expect(NO_CHANGE_OUTCOMES, context).toContain(run.outcome);
    expect(events.filter((e) => CHANGE_EVENTS.includes(e)), context).toEqual([]);
    if (run.status !== 'SUCCEEDED') expect(ERROR_NAMES, context).toContain(run.error);
    if (h.kind === 'missing' || h.kind === 'mistyped') expect(run.error, context).toBe(ErrorName.InvalidFinding);
    // A resource of another account than the finding's is refused as INVALID before any playbook is looked up.
    if (h.kind === 'unknownControl' || h.kind === 'wrongType') expect([Outcome.NO_PLAYBOOK, Outcome.INVALID], context).toContain(run.outcome);
    if (h.kind === 'notFailed') expect(run.outcome, context).toBe(Outcome.POLICY_SKIPPED);
    // Another form of an exempt resource's id: refused, or resolved to the one canonical identity (whose live tag exempts it, or which does not exist there).
    if (h.kind === 'idForm') expect([Outcome.EXEMPT, Outcome.INVALID, Outcome.ESCALATED], context).toContain(run.outcome);
    const rolledBack = run.audit.find((a) => a.event === AuditEvent.ROLLED_BACK);
    if (rolledBack) expect(rolledBack.detail, context).toMatchObject({ restored: false });
  }

  it('never changes a resource, always records an outcome and names its error, whatever the finding and whoever sent the event', async () => {
    let count = 0;
    const batch = fc.array(fc.record({ h: hostility, account: fc.constantFrom(...ACCOUNTS, STRANGER) }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(batch, fc.constantFrom(...ACCOUNTS, STRANGER), async (items, eventAccount) => {
        count++;
        // Prepare: one EventBridge event, possibly from an account other than the findings'.
        const findings = items.map(({ h, account }) => hostileFinding(h, victims, account));
        // Security Hub holds the findings (ValidateFinding re-reads them), so every later check is exercised too.
        for (const f of findings) if (typeof f.Id === 'string' && typeof f.ProductArn === 'string') runtime.securityHub.import(f as never);
        // Act
        await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', account: eventAccount, detail: { findings } });
        const runs = await Promise.all(findings.map((f) => finished(runtime, executionNameFor(f, 'automatic'))));
        // Assess
        runs.forEach((run, i) => expectNoChangeRecorded(run, items[i]!.h));
      }),
      { numRuns: 20 },
    );
    await expectVictimsUntouched();
    // Findings that name no real resource are no evidence that remediation is failing: no breaker counted them.
    for (const breaker of await listBreakers(runtime.resources.tableName)) expect(breaker.recent, breaker.scope).not.toContain('F');
    cases.endToEnd = count;
    expect(count).toBe(20);
  }, 150_000);

  it('every other form of an exempt resource\'s id (bare, wrong partition, region or account, encoded, mixed case, slashes), from either account: 0 remediations', async () => {
    // Prepare
    const cases_ = ID_FORMS.flatMap((form) => (['AwsEc2SecurityGroup', 'AwsS3Bucket'] as const).flatMap((type) => ACCOUNTS.map((account) => ({ h: { kind: 'idForm' as const, type, form }, account }))));
    const findings = cases_.map(({ h, account }) => hostileFinding(h, victims, account));
    for (const f of findings) runtime.securityHub.import(f as never);
    // Act
    await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings } });
    const runs = await Promise.all(findings.map((f) => finished(runtime, executionNameFor(f, 'automatic'))));
    // Assess
    runs.forEach((run, i) => expectNoChangeRecorded(run, cases_[i]!.h));
    // The bare id in the victims' own account resolves to the exempt resource and reads its live tag.
    const bare = cases_.findIndex((c) => c.h.form === 'bare' && c.h.type === 'AwsEc2SecurityGroup' && c.account === ACCOUNTS[0]);
    expect(runs[bare]!.outcome).toBe(Outcome.EXEMPT);
    expect(runs.filter((r) => r.outcome === Outcome.INVALID).length).toBeGreaterThanOrEqual(ID_FORMS.length * 2);
    await expectVictimsUntouched();
    cases.idForms = runs.length;
  }, 120_000);

  it('a 300 KB finding is recorded and changes nothing', async () => {
    // Prepare: valid ASFF, a real control and resource type, a key that does not exist.
    const finding = { ...baseFinding('KMS.4', 'AwsKmsKey', `arn:aws:kms:us-east-1:${ACCOUNTS[0]}:key/00000000-0000-0000-0000-000000000000`), Description: 'D'.repeat(300 * 1024) };
    // Act
    runtime.securityHub.import(finding as never);
    await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [finding] } });
    const run = await finished(runtime, executionNameFor(finding, 'automatic'));
    // Assess
    expectNoChangeRecorded(run, { kind: 'huge', field: 'Description', size: 300 * 1024 });
    expect(JSON.stringify(finding).length).toBeGreaterThan(300 * 1024);
    // Too big for a Step Functions input (262,144 bytes): the intake starts it with the finding's identity, recorded INVALID.
    expect(run.outcome).toBe(Outcome.INVALID);
  });

  /*
   * Bugs this suite found, now fixed: each reproduction is a plain test that fails if the bug returns.
   */
  describe('reported bugs (reproductions)', () => {
    async function bucket(name: string, tags: Record<string, string>): Promise<void> {
      await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: name } });
      await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: name, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } } });
    }
    async function run(finding: Record<string, unknown>): Promise<Finished> {
      runtime.securityHub.import(finding as never);
      await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [finding] } });
      return finished(runtime, executionNameFor(finding, 'automatic'));
    }
    const applied = (r: Finished) => r.audit.some((a) => a.event === AuditEvent.APPLIED);
    // The junk findings above failed remediations, which opened the circuit breaker (approval for everything).
    beforeEach(async () => {
      for (const scope of [...ACCOUNTS, STRANGER, 'global']) await resetBreaker(runtime.resources.tableName, scope);
    });

    it('a non-canonical resource id (`arn:aws:s3:::x/../exempt-bucket`) is refused and cannot bypass the rectify:exempt tag', async () => {
      // Prepare: the bucket is exempt; the playbook acts on the last path segment, the tag read uses the id as given.
      await bucket('exempt-bucket', { 'rectify:exempt': '*' });
      // Act
      const direct = await run(baseFinding('S3.8', 'AwsS3Bucket', 'arn:aws:s3:::exempt-bucket'));
      const dotted = await run(baseFinding('S3.8', 'AwsS3Bucket', 'arn:aws:s3:::x/../exempt-bucket'));
      // Assess
      expect(direct.outcome).toBe(Outcome.EXEMPT);
      expect(applied(dotted)).toBe(false); // fails: REMEDIATED, the exempt bucket got a public access block
    });

    it('another service\'s ARN under an S3 control is refused and cannot bypass the production approval (`arn:aws:sqs:…:prod-bucket` typed AwsS3Bucket)', async () => {
      // Prepare: a production bucket needs approval (non-disruptive × production = HIGH).
      await bucket('prod-bucket', { environment: 'prod' });
      // Act: the tags of the SQS ARN are read (none), the S3 playbook acts on the bucket of the same name.
      const result = await run(baseFinding('S3.8', 'AwsS3Bucket', `arn:aws:sqs:us-east-1:${ACCOUNTS[0]}:prod-bucket`));
      // Assess
      expect(applied(result) && !result.audit.some((a) => a.event === AuditEvent.APPROVAL_REQUESTED)).toBe(false); // fails: changed without approval
    });

    it('a resource ARN in another account than AwsAccountId is refused and changes nothing', async () => {
      // Prepare: a queue named like the victim in the finding's account.
      await callAws({ service: 'SQS', command: 'CreateQueue', account: ACCOUNTS[1], params: { QueueName: VICTIMS.queue, Attributes: { SqsManagedSseEnabled: 'false' } } });
      // Act: the finding says account 222222222222 but names the queue of 123456789012.
      const result = await run(baseFinding('SQS.1', 'AwsSqsQueue', victims.AwsSqsQueue!, ACCOUNTS[1]));
      // Assess: the named queue is untouched (the property above checks it); something else was changed.
      expect(applied(result)).toBe(false); // fails: 222222222222's queue was encrypted, the audit names 123456789012's
    });

    it('an invalid finding with an oversized Id is still recorded as INVALID (its Id is quoted shortened)', async () => {
      // Act: InvalidFinding's message quotes the whole Id; RecordInvalid writes it twice into one DynamoDB item.
      const result = await run({ ...baseFinding('S3.8', 'AwsS3Bucket', 'arn:aws:s3:::no-such-bucket'), Id: 'i'.repeat(300 * 1024) });
      // Assess
      expect(result.outcome).toBe(Outcome.INVALID); // fails: RecordFailed; only the status rule's EXECUTION_DIED is left
    });

    it('a security group that does not exist cannot vouch for its tags: escalated before any change, finding not RESOLVED, no breaker counts it', async () => {
      // Prepare: the live tag read (DescribeSecurityGroups) answers InvalidGroup.NotFound.
      const finding = baseFinding('EC2.19', 'AwsEc2SecurityGroup', `arn:aws:ec2:us-east-1:${ACCOUNTS[0]}:security-group/sg-0000000000000000f`);
      // Act
      const result = await run(finding);
      // Assess
      const events = result.audit.map((a) => a.event);
      expect(events).not.toContain(AuditEvent.SNAPSHOT_TAKEN);
      expect(applied(result)).toBe(false);
      expect(result.outcome).toBe(Outcome.ESCALATED);
      expect(result.path).toContain('CheckExemption');
      expect(result.path).not.toContain('Remediate');
      expect(runtime.securityHub.get(String(finding.Id))?.Workflow?.Status).not.toBe('RESOLVED');
      expect((await listBreakers(runtime.resources.tableName)).flatMap((b) => b.recent)).not.toContain('F');
    });

    it('a finding Security Hub does not hold (an event written by whoever can reach the queue) is INVALID and changes nothing', async () => {
      // Prepare: a well-formed finding for the real, non-compliant victim bucket, never imported into Security Hub.
      const finding = baseFinding('S3.8', 'AwsS3Bucket', `arn:aws:s3:::${VICTIMS.bucket}`);
      // Act
      await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [finding] } });
      const result = await finished(runtime, executionNameFor(finding, 'automatic'));
      // Assess
      expect(result.outcome).toBe(Outcome.INVALID);
      expect(result.audit.find((a) => a.outcome === Outcome.INVALID)?.error?.cause ?? JSON.stringify(result.audit)).toMatch(/not in Security Hub/);
      expect(applied(result)).toBe(false);
      await expectVictimsUntouched();
    });
  });
});

