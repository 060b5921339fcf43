import { readFileSync } from 'node:fs';
import path from 'node:path';
import { traceCommand } from '../../cli/commands/trace.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrace } from '../../workflows/local/traceStore.js';
import { summariseTrace } from '../../workflows/local/trace.js';
import { loadScenario, runScenario } from '../../workflows/local/scenario.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';
import { useMoto } from '../support/moto.js';
import { openOffline, scrollsSideways, VIEWPORTS } from '../support/offlinePage.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

/** The trace page of an approved change that failed verify and was rolled back, as a person reads it in Chromium. */
describe('trace page in a browser', () => {
  const aws = useMoto();
  let browser: Browser;
  let html = '';
  let expectedPath: string[] = [];

  beforeAll(async () => {
    // Prepare: a production bucket, approved, whose fix silently does nothing: verify fails, the snapshot is restored
    const scenario = { ...loadScenario(path.join(SCENARIOS, 'approved.json')), name: 'approved, then rolled back', faults: { apply: 'skip' } };
    const result = await runScenario(scenario as Parameters<typeof runScenario>[0], { endpoint: aws.endpoint });
    expect(result.outcome).toBe('FAILED_ROLLED_BACK');
    const trace = loadTrace(result.executionName);
    expectedPath = summariseTrace(trace.execution.events).map((s) => s.state);
    // Through `rectify trace <execution> --html FILE`, as a person would draw it
    const file = path.join(RESULTS_DIR, 'trace-rollback-source.html');
    await traceCommand(result.executionName, { html: file });
    html = readFileSync(file, 'utf8');
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(Object.entries(VIEWPORTS))('at %s width: the header says what happened, every state box is on screen, the path taken is marked in order', async (name, viewport) => {
    // Act
    const { page, strayRequests } = await openOffline(browser, `trace-rollback-${name}.html`, html, viewport);
    await page.screenshot({ path: path.join(RESULTS_DIR, `trace-rollback-${name}.png`), fullPage: true });
    // Assess: the header, above the graph
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('FAILED_ROLLED_BACK');
    expect(await page.textContent('#resource')).toMatch(/arn:aws:s3:::prod-approved-bucket.*account 123456789012.*region us-east-1/s);
    expect(await page.textContent('#approver')).toMatch(/Approved by \S+/);
    expect(await page.textContent('#failure')).toMatch(/Verify[\s\S]*Restored: the resource was restored to its snapshot/);
    expect(await page.textContent('#note')).toContain('Rectify FAILED_ROLLED_BACK');
    const headerBottom = await page.$eval('#headline', (h) => h.getBoundingClientRect().bottom);
    expect(await page.$eval('#graph', (g) => g.getBoundingClientRect().top)).toBeGreaterThan(headerBottom);
    // Assess: no sideways scroll; every state box inside the viewport's width
    expect(await scrollsSideways(page)).toBe(false);
    const boxes = await page.$$eval('#graph .node rect', (rects) => rects.map((r) => r.getBoundingClientRect()).map((b) => ({ left: b.left, right: b.right })));
    expect(boxes.length).toBeGreaterThan(30);
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(viewport.width);
    }
    // Assess: the path taken, in order, on states and on edges
    const visited = await page.$$eval('#graph .node.visited', (nodes) =>
      nodes.flatMap((n) => (n.getAttribute('data-order') ?? '').split(',').filter(Boolean).map((o: string) => ({ order: Number(o), state: n.getAttribute('data-state') }))),
    );
    expect(visited.sort((a, b) => a.order - b.order).map((v) => v.state)).toEqual(expectedPath);
    const taken = await page.$$eval('#graph .edge.taken', (edges) => edges.flatMap((e) => (e.getAttribute('data-step') ?? '').split(',').map((s: string) => ({ step: Number(s), from: e.getAttribute('data-from'), to: e.getAttribute('data-to') }))));
    expect(taken.sort((a, b) => a.step - b.step).map((t) => `${t.from}→${t.to}`)).toEqual(expectedPath.slice(1).map((to, i) => `${expectedPath[i]}→${to}`));
    // Assess: the retries are on the state that retried
    expect(Number(await page.getAttribute('#graph .node[data-state="Verify"]', 'data-retries'))).toBeGreaterThan(0);
    expect(await page.getAttribute('#graph .node[data-state="Verify"]', 'class')).toContain('failed');
    // Assess: a click opens the state's details, which show only what it added
    await page.click('#graph .node[data-state="Rollback"]');
    expect(await page.$eval('details[data-state="Rollback"]', (d) => (d as unknown as { open: boolean }).open)).toBe(true);
    expect(await page.textContent('details[data-state="Rollback"]')).toContain('Added or changed: escalation');
    expect(strayRequests).toEqual([]);
    await page.close();
  });
});
