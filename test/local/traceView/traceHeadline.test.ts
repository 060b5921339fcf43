import { describe, expect, it } from 'vitest';
import { renderTraceHtml } from '../../../workflows/local/traceHtml.js';
import type { TraceEvent } from '../../../workflows/local/trace.js';
import type { SavedTrace } from '../../../workflows/local/traceStore.js';
import { stateDelta } from '../../../workflows/local/traceView/stateDelta.js';
import { traceHeadline } from '../../../workflows/local/traceView/traceHeadline.js';

const request = {
  findingId: 'arn:aws:securityhub:eu-west-1:222222222222:security-control/S3.8/finding/f1',
  productArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
  controlIds: ['S3.8'], title: 'S3 general purpose buckets should block public access', severity: 'HIGH',
  complianceStatus: 'FAILED', recordState: 'ACTIVE', workflowStatus: 'NEW', account: '222222222222', region: 'eu-west-1', partition: 'aws',
  resource: { type: 'AwsS3Bucket', id: 'arn:aws:s3:::prod-data' }, updatedAt: '2026-11-01T00:00:00.000Z', source: 'automatic', controlParameters: {},
};
const plan = { summary: 'Turn on 1 Block Public Access setting(s) for bucket prod-data (S3.8)', changes: [{ description: 'Turn on IgnorePublicAcls for bucket prod-data', setting: 'IgnorePublicAcls' }] };

/** A saved trace from (state, type, output or error) steps; each state's input is the previous output, as in a run. */
function traceOf(status: string, steps: [string, string, Record<string, unknown> | { error: string; cause: string }][]): SavedTrace {
  let state: Record<string, unknown> = { request };
  let second = 0;
  const at = () => new Date(Date.UTC(2026, 11, 1, 9, 0, second++)).toISOString();
  const events: TraceEvent[] = [];
  for (const [name, type, result] of steps) {
    events.push({ type: 'StateEntered', at: at(), state: name, stateType: type, input: state });
    if ('error' in result && typeof result.error === 'string') {
      events.push({ type: 'StateFailed', at: at(), state: name, stateType: type, error: result.error, cause: result.cause });
      if (type !== 'Fail') events.push({ type: 'StateCaught', at: at(), state: name, stateType: type });
      state = { ...state, error: { Error: result.error, Cause: result.cause } };
    } else {
      state = { ...state, ...result };
      events.push({ type: 'StateExited', at: at(), state: name, stateType: type, output: state });
    }
  }
  return {
    definition: { StartAt: 'ValidateFinding', States: {} },
    execution: { name: 'S3-8-exec', executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:rectify:S3-8-exec', status, startDate: '2026-12-01T09:00:00.000Z', stopDate: '2026-12-01T09:00:30.000Z', lambdaInvocations: 9, events },
  };
}

const policy = { policy: { proceed: true, reason: 'ok', mode: 'auto', controlId: 'S3.8', playbookId: 's3-enable-bucket-block-public-access', dryRun: false, approvalForced: false } };
const risk = { risk: { level: 'HIGH', criticality: 'production', reasons: ['tag environment=prod marks it production'], approvalRequired: true, duplicate: false } };
const approval = { approval: { decision: 'APPROVED', decidedBy: 'Ada Lovelace', comment: 'CHG-42', planDigest: 'sha256:abc' } };
const remediation = { remediation: { dryRun: false, applied: true, plan } };

describe('trace page header', () => {
  it('an approved change that failed verify and was rolled back: outcome, resource, approver, failure and what was restored', () => {
    // Prepare
    const trace = traceOf('FAILED', [
      ['ValidateFinding', 'Task', {}], ['LoadPolicy', 'Task', policy], ['ClassifySeverity', 'Task', risk],
      ['AwaitApproval', 'Task', approval], ['Remediate', 'Task', remediation],
      ['Verify', 'Task', { error: 'NotYetCompliant', cause: JSON.stringify({ errorType: 'NotYetCompliant', errorMessage: 'IgnorePublicAcls is still off' }) }],
      ['Rollback', 'Task', { escalation: { outcome: 'FAILED_ROLLED_BACK', reason: 'NotYetCompliant: IgnorePublicAcls is still off; the resource was restored to its snapshot' } }],
      ['Escalate', 'Task', {}],
      ['RemediationFailed', 'Fail', { error: 'RemediationFailed', cause: 'rolled back' }],
    ]);
    // Act
    const h = traceHeadline(trace);
    // Assess
    expect(h.outcome).toBe('FAILED_ROLLED_BACK');
    expect(h.resource).toEqual({ id: 'arn:aws:s3:::prod-data', type: 'AwsS3Bucket', account: '222222222222', region: 'eu-west-1' });
    expect(h).toMatchObject({ controlId: 'S3.8', playbookId: 's3-enable-bucket-block-public-access', durationMs: 30_000 });
    expect(h.change).toEqual({ applied: true, dryRun: false, summary: plan.summary, changes: ['Turn on IgnorePublicAcls for bucket prod-data'] });
    expect(h.decision).toEqual({ decision: 'APPROVED', by: 'Ada Lovelace', comment: 'CHG-42', at: '2026-12-01T09:00:07.000Z' });
    expect(h.failure).toEqual({ state: 'Verify', error: 'NotYetCompliant', cause: 'NotYetCompliant: IgnorePublicAcls is still off', restored: 'the resource was restored to its snapshot' });
    expect(h.note).toBe('Rectify FAILED_ROLLED_BACK: NotYetCompliant: IgnorePublicAcls is still off; the resource was restored to its snapshot [execution S3-8-exec]');
  });

  it('a rejection names who rejected it, and the note is the one recorded on the finding', () => {
    const trace = traceOf('SUCCEEDED', [
      ['ValidateFinding', 'Task', {}], ['LoadPolicy', 'Task', policy], ['ClassifySeverity', 'Task', risk],
      ['AwaitApproval', 'Task', { error: 'ApprovalRejected', cause: 'Rejected by Grace Hopper: not in the change window' }],
      ['RecordRejected', 'Task', { recorded: { outcome: 'REJECTED', note: 'Rectify REJECTED by s3-enable-bucket-block-public-access: approval rejected' } }],
    ]);
    const h = traceHeadline(trace);
    expect(h.outcome).toBe('REJECTED');
    expect(h.decision).toMatchObject({ decision: 'REJECTED', by: 'Grace Hopper', comment: 'not in the change window' });
    expect(h.note).toContain('Rectify REJECTED');
    // A caught rejection that ends in a recorded outcome is not a failure of the run
    expect(h.failure).toBeUndefined();
    expect(h.change).toBeUndefined();
  });

  it('an automatic fix: no decision, the change applied, no failure', () => {
    const trace = traceOf('SUCCEEDED', [
      ['ValidateFinding', 'Task', {}], ['LoadPolicy', 'Task', policy], ['Remediate', 'Task', remediation], ['Verify', 'Task', { verification: { compliant: true, detail: 'ok' } }],
      ['RecordSuccess', 'Task', { recorded: { outcome: 'REMEDIATED', note: 'Rectify REMEDIATED: fixed and verified' } }],
    ]);
    const h = traceHeadline(trace);
    expect(h).toMatchObject({ outcome: 'REMEDIATED', status: 'SUCCEEDED', change: { applied: true }, note: 'Rectify REMEDIATED: fixed and verified' });
    expect(h.decision).toBeUndefined();
    expect(h.failure).toBeUndefined();
  });
});

describe('state details', () => {
  it('show only what a state added or changed, and what it dropped', () => {
    expect(stateDelta({ request, policy: 1 }, { request, policy: 2, risk: { level: 'LOW' } })).toEqual({ changed: { policy: 2, risk: { level: 'LOW' } }, removed: [] });
    expect(stateDelta({ finding: {}, source: 'x' }, { source: 'x', request })).toEqual({ changed: { request }, removed: ['finding'] });
    expect(stateDelta({ a: 1 }, 'literal')).toEqual({ changed: {}, removed: [], whole: { input: { a: 1 }, output: 'literal' } });
  });
});

describe('trace page HTML', () => {
  it('escapes what came from the finding, loads nothing from elsewhere, and repeats no state in full', async () => {
    // Prepare: a hostile title in an automatic fix
    const hostile = '<img src=x onerror=alert(1)>';
    const trace = traceOf('SUCCEEDED', [
      ['ValidateFinding', 'Task', { request: { ...request, title: hostile } }], ['LoadPolicy', 'Task', policy], ['Remediate', 'Task', remediation],
      ['RecordSuccess', 'Task', { recorded: { outcome: 'REMEDIATED', note: `Rectify REMEDIATED ${hostile}` } }],
    ]);
    const states = { ValidateFinding: { Type: 'Task', Next: 'LoadPolicy' }, LoadPolicy: { Type: 'Task', Next: 'Remediate' }, Remediate: { Type: 'Task', Next: 'RecordSuccess' }, RecordSuccess: { Type: 'Task', End: true } };
    // Act
    const html = await renderTraceHtml({ ...trace, definition: { StartAt: 'ValidateFinding', States: states } });
    // Assess
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain('id="outcome" class="outcome good" data-outcome="REMEDIATED"');
    // The request appears in the first state's input and where ValidateFinding replaced it — not once per state
    expect(html.split('S3 general purpose buckets').length - 1).toBe(1);
    expect(html.split('&quot;controlParameters&quot;').length - 1).toBe(2);
  }, 60_000);
});
