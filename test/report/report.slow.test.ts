import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../tasks/report/effectiveness.js';
import { renderReportHtml } from '../../tasks/report/renderHtml.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';
import { useMoto } from '../support/moto.js';
import { recordSampleTrail } from './sampleTrail.js';

/** The report's HTML as a browser lays it out; its figures are checked in test/report/report.test.ts. */
describe('effectiveness report as HTML in a browser', () => {
  const aws = useMoto();

  it('draws its charts from a real audit trail in moto', async () => {
    // Prepare
    await recordSampleTrail(aws.endpoint);
    const report = await buildReport(LOCAL_NAMES.table, new Date(Date.now() - 3_600_000));
    const browser = await launchChromium();
    try {
      // Act
      const page = await browser.newPage();
      await page.setContent(renderReportHtml(report));
      // Assess
      const bars = await page.$$eval('#chart-outcomes rect.bar', (rects) => rects.map((r) => ({ label: r.getAttribute('data-label'), width: r.getBoundingClientRect().width })));
      expect(bars).toHaveLength(5);
      expect(bars.every((b) => b.width > 0)).toBe(true);
      expect(await page.$$('#chart-controls rect.bar')).toHaveLength(3);
      expect(await page.textContent('#summary')).toContain('66.7 %');
      const shot = path.join(RESULTS_DIR, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(existsSync(shot)).toBe(true);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
