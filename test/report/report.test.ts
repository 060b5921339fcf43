import { describe, expect, it } from 'vitest';
import { parseSince } from '../../cli/commands/report.js';
import { Outcome } from '../../tasks/domain/constants.js';
import { buildReport, percentile, summarise } from '../../tasks/report/effectiveness.js';
import { renderReportHtml } from '../../tasks/report/renderHtml.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportCommand } from '../../cli/commands/report.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { useMoto } from '../support/moto.js';
import { recordSampleTrail } from './sampleTrail.js';

describe('effectiveness report', () => {
  it('computes rates and nearest-rank percentiles, one outcome per execution', () => {
    // Prepare
    const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, s)).toISOString();
    const outcome = (name: string, o: Outcome, s: number, extra = {}) => ({ at: at(s), executionName: name, event: 'OUTCOME', outcome: o, controlId: 'S3.8', ...extra });
    // Act
    const report = summarise(
      [
        outcome('a', Outcome.REMEDIATED, 1, { detail: { durationSeconds: 10 } }),
        outcome('b', Outcome.REMEDIATED, 2, { detail: { durationSeconds: 30 } }),
        outcome('c', Outcome.FAILED_ROLLED_BACK, 3, { controlId: 'EC2.19' }),
        outcome('d', Outcome.EXEMPT, 4),
        outcome('d', Outcome.EXEMPT, 5), // a repeated record of one execution counts once
      ],
      [{ at: at(6), executionName: 'a', event: 'APPROVAL_DECIDED', detail: { latencySeconds: 120 } }],
      [{ scope: 'account#1', expiresOn: '2026-11-05', requestedBy: 'x', reason: 'y' }, { scope: 'account#2', expiresOn: '2027-06-01', requestedBy: 'x', reason: 'y' }],
      at(0),
      new Date('2026-11-01T12:00:00Z'),
    );
    // Assess
    expect(report.executions).toBe(4);
    expect(report.byOutcome).toEqual({ REMEDIATED: 2, FAILED_ROLLED_BACK: 1, EXEMPT: 1 });
    expect(report.successRate).toBeCloseTo(2 / 3);
    expect(report.rollbackRate).toBeCloseTo(1 / 3);
    expect(report.timeToRemediateSeconds).toMatchObject({ count: 2, median: 10, p90: 30 });
    expect(report.approvalLatencySeconds.median).toBe(120);
    expect(report.topFailingControls).toEqual([{ controlId: 'EC2.19', failures: 1 }]);
    expect(report.exemptionsExpiringSoon.map((e) => e.scope)).toEqual(['account#1']);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('reads --since as a duration or a date, and refuses anything else', () => {
    const now = new Date('2026-11-29T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(parseSince('2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow(/neither a duration/);
  });

  describe('over a real audit trail in moto', () => {
    const aws = useMoto();

    it('summarises what the scenarios recorded', async () => {
      // Prepare: several findings recorded into one table
      await recordSampleTrail(aws.endpoint);
      // Act
      const report = await buildReport(LOCAL_NAMES.table, new Date(Date.now() - 3_600_000));
      // Assess
      expect(report.byOutcome).toEqual({ REMEDIATED: 2, FAILED_ROLLED_BACK: 1, DRY_RUN: 1, EXEMPT: 1, REJECTED: 1 });
      expect(report.successRate).toBeCloseTo(2 / 3);
      expect(report.timeToRemediateSeconds.count).toBe(2);
      expect(report.approvalLatencySeconds.count).toBe(2);
      expect(report.topFailingControls).toEqual([{ controlId: 'KMS.4', failures: 1 }]);
      expect(report.exemptionsExpiringSoon).toHaveLength(1);
      // The page's figures and table (its layout in a browser: report.slow.test.ts)
      const html = await renderReportHtml(report, { timeZone: 'UTC', locale: 'en-GB' });
      expect(html).toContain('66.7 %');
      expect(html.match(/<tr data-execution=/g)).toHaveLength(6);
      expect(html).toContain('<figure id="chart-outcomes-per-day">');
      expect(html).not.toMatch(/<script/i);

      // A table read by name, as for a deployed account (--table; the SDK reaches moto through AWS_ENDPOINT_URL
      // as it reaches AWS with credentials), each execution linked to the console
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'rectify-report-')), 'deployed-report.html');
      await reportCommand({ table: LOCAL_NAMES.table, since: '1h', html: file, stateMachine: 'arn:aws:states:us-east-1:123456789012:stateMachine:Rectify' });
      const deployed = readFileSync(file, 'utf8');
      const links = [...deployed.matchAll(/<a class="trace" href="([^"]+)">console<\/a>/g)].map((m) => m[1]);
      expect(links).toHaveLength(6);
      expect(links.every((l) => l!.startsWith('https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:123456789012:execution:Rectify:'))).toBe(true);
    }, 180_000);
  });
});
