import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../cli/commands/report.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';
import { useMoto } from '../support/moto.js';
import { openOffline, scrollsSideways, VIEWPORTS } from '../support/offlinePage.js';
import { recordMultiDayTrail, type TrailSummary } from './multiDayTrail.js';
import { recordSampleTrail } from './sampleTrail.js';

const CHARTS = ['chart-outcomes-per-day', 'chart-time-to-remediate', 'chart-approval-latency', 'chart-rollback-rate', 'chart-exemptions-by-expiry'];

/**
 * `rectify report --html` over three weeks of audit records in moto (written through the store)
 * plus six real local executions with their traces, as a lead reads it in Chromium; the figures
 * themselves are checked in report.test.ts and trends.test.ts.
 */
describe('effectiveness report as HTML in a browser', () => {
  const aws = useMoto();
  let browser: Browser;
  let html = '';
  let trail: TrailSummary;

  beforeAll(async () => {
    // Prepare: real executions (with saved traces), then the multi-day trail around them
    await recordSampleTrail(aws.endpoint);
    trail = await recordMultiDayTrail(new Date());
    const file = path.join(RESULTS_DIR, 'report-source.html');
    await reportCommand({ endpoint: aws.endpoint, since: '30d', html: file });
    html = readFileSync(file, 'utf8');
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(Object.entries(VIEWPORTS))('at %s width: every chart has drawn marks, every execution is listed, local ones link to their trace pages', async (name, viewport) => {
    // Act
    const { page, strayRequests } = await openOffline(browser, `report-${name}.html`, html, viewport);
    await page.screenshot({ path: path.join(RESULTS_DIR, `report-${name}.png`), fullPage: true });
    // Assess: each trend chart is an SVG Vega drew, with visible marks
    for (const id of CHARTS) {
      const marks = await page.$$eval(`#${id} svg .role-mark path, #${id} svg .role-mark line, #${id} svg .role-mark rect`, (els) =>
        els.map((e) => e.getBoundingClientRect()).filter((b) => b.width > 0 || b.height > 0).length,
      );
      expect(marks, id).toBeGreaterThan(0);
      const box = (await page.$eval(`#${id} svg`, (s) => { const b = s.getBoundingClientRect(); return { left: b.left, right: b.right }; }));
      expect(box.left, id).toBeGreaterThanOrEqual(0);
      expect(box.right, id).toBeLessThanOrEqual(viewport.width);
    }
    // Assess: one bar group per day of the trail in the outcomes chart's x axis
    const days = await page.$$eval('#chart-outcomes-per-day svg .role-axis-label text', (t) => t.length);
    expect(days).toBeGreaterThanOrEqual(trail.days);
    // Assess: the table names every execution; each local one links to a trace page on disk
    const rows = await page.$$eval('#executions tbody tr', (trs) => trs.map((tr) => ({ name: tr.getAttribute('data-execution'), link: tr.querySelector('a.trace')?.getAttribute('href') ?? null, cells: tr.querySelectorAll('td').length })));
    expect(rows).toHaveLength(trail.executions + 6);
    expect(rows.every((r) => r.cells === 7)).toBe(true);
    const linked = rows.filter((r) => r.link);
    expect(linked).toHaveLength(6);
    for (const r of linked) {
      expect(r.link).toMatch(/^file:\/\/.*\.html$/);
      const trace = fileURLToPath(r.link!);
      expect(existsSync(trace)).toBe(true);
      expect(readFileSync(trace, 'utf8')).toContain(`data-state="ValidateFinding"`);
    }
    // Assess: times are in the reader's format, not raw ISO; approvers are named
    expect(await page.textContent('#executions tbody tr td time')).not.toMatch(/\d{4}-\d\d-\d\dT/);
    expect(await page.textContent('#executions')).toContain('Ada Lovelace');
    expect(await scrollsSideways(page)).toBe(false);
    expect(strayRequests).toEqual([]);
    await page.close();
  });
});
