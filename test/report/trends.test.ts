import { describe, expect, it } from 'vitest';
import { consoleLinks } from '../../cli/commands/reportLinks.js';
import { executionRows, trendsOf, weekOf, type AuditEvent } from '../../tasks/report/trends.js';

const outcome = (name: string, at: string, o: string, controlId: string, durationSeconds?: number): AuditEvent => ({
  at, executionName: name, event: 'OUTCOME', outcome: o, controlId, resourceId: `arn:aws:s3:::${name}`, account: '123456789012', region: 'eu-west-1',
  ...(durationSeconds !== undefined ? { detail: { durationSeconds } } : {}),
});

describe('report data shaping', () => {
  it('weeks start on Monday (UTC)', () => {
    expect(weekOf('2026-11-30T10:00:00Z')).toBe('2026-11-30'); // a Monday
    expect(weekOf('2026-12-06T23:59:59Z')).toBe('2026-11-30'); // the Sunday after
    expect(weekOf('2026-12-07')).toBe('2026-12-07');
  });

  it('one row per execution, newest first, with the approver who decided it', () => {
    const rows = executionRows(
      [outcome('a', '2026-12-01T09:00:00Z', 'REMEDIATED', 'S3.8', 30), outcome('b', '2026-12-02T09:00:00Z', 'REJECTED', 'S3.8')],
      [{ at: '2026-12-02T08:59:00Z', executionName: 'b', event: 'APPROVAL_DECIDED', actor: 'Grace Hopper', detail: { decision: 'REJECTED', latencySeconds: 60 } }],
    );
    expect(rows.map((r) => r.executionName)).toEqual(['b', 'a']);
    expect(rows[0]).toMatchObject({ outcome: 'REJECTED', approver: 'Grace Hopper', decision: 'REJECTED', resourceId: 'arn:aws:s3:::b', account: '123456789012', region: 'eu-west-1' });
    expect(rows[1]).toMatchObject({ durationSeconds: 30 });
    expect(rows[1]!.approver).toBeUndefined();
  });

  it('median and p90 time to remediate per week (nearest rank), fixes only', () => {
    // Prepare: week of Nov 23 — ten fixes of 10..100 s and a failure; week of Nov 30 — two fixes
    const first = Array.from({ length: 10 }, (_, i) => outcome(`w1-${i}`, `2026-11-2${3 + (i % 6)}T12:00:00Z`, 'REMEDIATED', 'S3.8', (i + 1) * 10));
    const rows = executionRows([...first, outcome('w1-f', '2026-11-24T12:00:00Z', 'FAILED_ROLLED_BACK', 'KMS.4', 999), outcome('w2-a', '2026-11-30T12:00:00Z', 'REMEDIATED', 'S3.8', 5), outcome('w2-b', '2026-12-01T12:00:00Z', 'REMEDIATED', 'S3.8', 7)], []);
    // Act
    const trends = trendsOf(rows, [], [], new Date('2026-12-02T00:00:00Z'));
    // Assess
    expect(trends.remediationTimePerWeek).toEqual([
      { week: '2026-11-23', median: 50, p90: 90, count: 10 },
      { week: '2026-11-30', median: 5, p90: 7, count: 2 },
    ]);
  });

  it('rollback rate per control counts failed among attempted changes; outcomes per day; exemptions by expiry week', () => {
    const rows = executionRows([
      outcome('k1', '2026-12-01T09:00:00Z', 'REMEDIATED', 'KMS.4', 10),
      outcome('k2', '2026-12-01T10:00:00Z', 'FAILED_ROLLED_BACK', 'KMS.4'),
      outcome('k3', '2026-12-02T10:00:00Z', 'FAILED_ROLLBACK_FAILED', 'KMS.4'),
      outcome('k4', '2026-12-02T11:00:00Z', 'REMEDIATED', 'KMS.4', 10),
      outcome('s1', '2026-12-02T12:00:00Z', 'REMEDIATED', 'S3.8', 10),
      outcome('s2', '2026-12-02T13:00:00Z', 'EXEMPT', 'S3.8'), // not a change: not an attempt
    ], []);
    const trends = trendsOf(rows, [{ at: '2026-12-01T00:00:00Z', executionName: 'x', event: 'APPROVAL_DECIDED', detail: { latencySeconds: 300 } }],
      [{ expiresOn: '2026-12-05' }, { expiresOn: '2026-12-06' }, { expiresOn: '2027-01-20' }, { expiresOn: '2026-11-01' }], new Date('2026-12-02T15:00:00Z'));
    expect(trends.rollbackRatePerControl).toEqual([
      { controlId: 'KMS.4', attempts: 4, failed: 2, rate: 0.5 },
      { controlId: 'S3.8', attempts: 1, failed: 0, rate: 0 },
    ]);
    expect(trends.outcomesPerDay).toEqual([
      { day: '2026-12-01', outcome: 'FAILED_ROLLED_BACK', count: 1 },
      { day: '2026-12-01', outcome: 'REMEDIATED', count: 1 },
      { day: '2026-12-02', outcome: 'EXEMPT', count: 1 },
      { day: '2026-12-02', outcome: 'FAILED_ROLLBACK_FAILED', count: 1 },
      { day: '2026-12-02', outcome: 'REMEDIATED', count: 2 },
    ]);
    expect(trends.approvalLatencySeconds).toEqual([300]);
    // Expired entries are not drawn; the week within 14 days is marked soon
    expect(trends.exemptionsByExpiry).toEqual([{ week: '2026-11-30', count: 2, soon: true }, { week: '2027-01-18', count: 1, soon: false }]);
  });

  it('links a deployed execution to the Step Functions console, and refuses what is not a state machine ARN', () => {
    expect(consoleLinks('arn:aws:states:eu-west-1:111111111111:stateMachine:Rectify-Remediation')('S3-8-a-1b2c')).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:111111111111:execution:Rectify-Remediation:S3-8-a-1b2c',
    );
    expect(consoleLinks('arn:aws-us-gov:states:us-gov-west-1:111111111111:stateMachine:R')('x')).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\//);
    expect(() => consoleLinks('Rectify-Remediation')).toThrow(/not a state machine ARN/);
  });
});
