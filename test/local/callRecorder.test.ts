import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyClientHooks } from '../../tasks/aws/clientHooks.js';
import { runAs } from '../../workflows/local/callerContext.js';
import { readRecordedCalls, recordCallsFromEnv, RECORD_CALLS_ENV, startCallRecorder, stopRecordingFromEnv, toRecordedCall } from '../../workflows/local/callRecorder.js';

const MEMBER = '222222222222';
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rectify-recorder-'));
  dirs.push(dir);
  return dir;
};

/** An S3 client through the hooks that never reaches a server (nothing listens on port 9). */
const unreachableS3 = (target: Parameters<typeof applyClientHooks>[1]) =>
  applyClientHooks(
    new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    target,
  );

describe('the call recorder', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('tells a member role\'s calls from a task\'s own and from the harness\'s', () => {
    // Prepare
    const input = { Bucket: 'logs', Policy: '{"secret":"not recorded"}' };
    const base = { service: 'S3', command: 'PutBucketPolicy', input };
    // Act
    const member = toRecordedCall({ ...base, target: { region: 'us-east-1', account: MEMBER, assumedRoleArn: `arn:aws:iam::${MEMBER}:role/RectifyRemediationRole` } }, 'remediate');
    const own = toRecordedCall({ ...base, target: { region: 'us-east-1' } }, 'remediate', { RECTIFY_ADMIN_ACCOUNT: '123456789012' });
    const setup = toRecordedCall({ ...base, target: { region: 'us-east-1', account: MEMBER, assumedRoleArn: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole` } }, 'harness');
    // Assess
    expect(member).toEqual({ service: 'S3', command: 'PutBucketPolicy', names: { Bucket: 'logs' }, account: MEMBER, region: 'us-east-1', caller: 'remediate', memberRole: 'change' });
    expect(own).toEqual({ service: 'S3', command: 'PutBucketPolicy', names: { Bucket: 'logs' }, account: '123456789012', region: 'us-east-1', caller: 'remediate' });
    expect(setup).toMatchObject({ caller: 'harness', otherRole: 'OrganizationAccountAccessRole' });
    expect(setup.memberRole).toBeUndefined();
  });

  it('keeps only the fields that name resources: ids, names, ARNs, URLs, the tables of a batch, the findings\' products, a runbook\'s role', () => {
    // Act
    const batch = toRecordedCall({ service: 'DynamoDB', command: 'BatchGetItem', input: { RequestItems: { 'rectify-local': { Keys: [{ pk: 'x' }] } } } }, 'checkExemption');
    const findings = toRecordedCall({ service: 'SecurityHub', command: 'BatchUpdateFindings', input: { FindingIdentifiers: [{ Id: 'f', ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub' }], Note: { Text: 'n' } } }, 'recordOutcome');
    const runbook = toRecordedCall({ service: 'SSM', command: 'StartAutomationExecution', input: { DocumentName: 'Doc', Parameters: { AutomationAssumeRole: ['arn:aws:iam::1:role/R'], Other: ['x'] } } }, 'remediate');
    // Assess
    expect(batch.names).toEqual({ TableName: ['rectify-local'] });
    expect(findings.names).toEqual({ ProductArn: ['arn:aws:securityhub:us-east-1::product/aws/securityhub'] });
    expect(runbook.names).toEqual({ DocumentName: 'Doc', AutomationAssumeRole: ['arn:aws:iam::1:role/R'] });
  });

  it('appends one JSON line per call made through the hooks, naming the handler it ran in, until stopped', async () => {
    // Prepare
    const dir = tempDir();
    const s3 = unreachableS3({ region: 'us-east-1', account: MEMBER, assumedRoleArn: `arn:aws:iam::${MEMBER}:role/RectifyReadRole` });
    const recorder = startCallRecorder(dir);
    // Act: the call fails (nothing listens), but it was asked for.
    await runAs('verify', () => s3.send(new GetBucketPolicyCommand({ Bucket: 'logs' }))).catch(() => undefined);
    recorder.stop();
    await s3.send(new GetBucketPolicyCommand({ Bucket: 'after-stop' })).catch(() => undefined);
    // Assess
    expect(readRecordedCalls(dir)).toEqual([
      { service: 'S3', command: 'GetBucketPolicy', names: { Bucket: 'logs' }, account: MEMBER, region: 'us-east-1', caller: 'verify', memberRole: 'read' },
    ]);
  });

  it('starts from RECTIFY_RECORD_CALLS once per process, and not at all without it', async () => {
    // Prepare
    const dir = tempDir();
    try {
      // Act
      recordCallsFromEnv({});
      recordCallsFromEnv({ [RECORD_CALLS_ENV]: dir });
      recordCallsFromEnv({ [RECORD_CALLS_ENV]: dir });
      await unreachableS3({ region: 'us-east-1' }).send(new GetBucketPolicyCommand({ Bucket: 'logs' })).catch(() => undefined);
      // Assess
      expect(readdirSync(dir)).toEqual([`calls-${process.pid}.jsonl`]);
      expect(readRecordedCalls(dir)).toHaveLength(1);
      expect(() => recordCallsFromEnv({ [RECORD_CALLS_ENV]: tempDir() })).toThrow('changed');
    } finally {
      // This process runs other test files after this one (docs/decisions/018).
      stopRecordingFromEnv();
    }
  });

  it('stops the recorder it started from RECTIFY_RECORD_CALLS when asked, and may start another', async () => {
    // Prepare
    const first = tempDir();
    const second = tempDir();
    recordCallsFromEnv({ [RECORD_CALLS_ENV]: first });
    // Act
    stopRecordingFromEnv();
    await unreachableS3({ region: 'us-east-1' }).send(new GetBucketPolicyCommand({ Bucket: 'stopped' })).catch(() => undefined);
    recordCallsFromEnv({ [RECORD_CALLS_ENV]: second });
    await unreachableS3({ region: 'us-east-1' }).send(new GetBucketPolicyCommand({ Bucket: 'again' })).catch(() => undefined);
    stopRecordingFromEnv();
    // Assess
    expect(readRecordedCalls(first)).toEqual([]);
    expect(readRecordedCalls(second).map((call) => call.names)).toEqual([{ Bucket: 'again' }]);
  });
});
