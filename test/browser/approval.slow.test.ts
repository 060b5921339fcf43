import path from 'node:path';
import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { AuditEvent } from '../../tasks/domain/constants.js';
import { readAudit } from '../../tasks/store/table.js';
import { PARTIAL, useApprovalRuntime } from '../support/approvalRuntime.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';
import { useMoto } from '../support/moto.js';
import { scrollsSideways, VIEWPORTS } from '../support/offlinePage.js';

/** The approval page as a person uses it, in headless Chromium; the attacks on it are test/approval/linkAttacks.test.ts. */
describe('approval by email link, in a real browser', () => {
  const aws = useMoto();
  const approvals = useApprovalRuntime(aws);
  const { waitingApproval, stillWaiting } = approvals;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('Approve: the page shows the plan; one click fixes the bucket, records who approved, and the link is single-use', async () => {
    // Prepare
    const w = await waitingApproval('prod-approve-me');
    const page = await browser.newPage({ userAgent: 'rectify-browser-test' });
    // Act
    const response = await page.goto(w.link);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'approval-page.png'), fullPage: true });
    // Assess: what the reviewer sees, and the headers that protect it
    expect(response?.status()).toBe(200);
    expect(response?.headers()).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await page.textContent('#plan')).toContain('Turn on IgnorePublicAcls for bucket prod-approve-me');
    expect(await page.textContent('#risk')).toBe('HIGH');
    await stillWaiting(w);
    // Act: the person types a name and approves
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#comment', 'change window CHG-42');
    await page.click('button.approve');
    // Assess
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('approved');
    const done = await w.execution.done;
    expect(done.status).toBe('SUCCEEDED');
    const audit = await readAudit(approvals.runtime.resources.tableName, w.executionName);
    expect(audit.at(-1)).toMatchObject({ outcome: 'REMEDIATED' });
    const decided = audit.find((a) => a.event === AuditEvent.APPROVAL_DECIDED);
    expect(decided).toMatchObject({ actor: 'Ada Lovelace', detail: { decision: 'APPROVED', comment: 'change window CHG-42', userAgent: 'rectify-browser-test' } });
    expect((decided?.detail as { sourceIp: string }).sourceIp).toMatch(/127\.0\.0\.1/);
    const note = (audit.at(-1)?.detail as { note: string }).note;
    expect(note).toContain('approved by Ada Lovelace: change window CHG-42');
    const pab = await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: w.bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    // A second visit and a replayed POST both find it decided.
    await page.goto(w.link);
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('already-decided');
    await page.close();
  });

  it.each(Object.entries(VIEWPORTS))('at a glance at %s width: what, where, why production, before → after, rollback, time left, digest, a required name; nothing loads from elsewhere', async (name, viewport) => {
    // Prepare
    const w = await waitingApproval(`prod-glance-${name}`);
    const page = await browser.newPage({ viewport });
    const stray: string[] = [];
    const linkUrl = new URL(w.link);
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === linkUrl.origin && url.pathname === linkUrl.pathname) return route.continue();
      stray.push(url.href);
      return route.abort();
    });
    // Act
    await page.goto(w.link);
    await page.screenshot({ path: path.join(RESULTS_DIR, `approval-page-${name}.png`), fullPage: true });
    // Assess: what and where
    expect(await page.textContent('#what')).toContain(`Block Public Access setting(s) for bucket prod-glance-${name}`);
    expect(await page.textContent('#resource')).toBe(`arn:aws:s3:::prod-glance-${name}`);
    expect(await page.textContent('#account')).toBe('123456789012');
    expect(await page.textContent('#region')).toBe('us-east-1');
    expect(await page.textContent('#production')).toContain('tag environment=prod marks it production');
    // Assess: before → after, and what a rollback restores
    const before = await page.textContent('#before');
    expect(before).toMatch(/BlockPublicAcls\s*true/);
    expect(before).toMatch(/IgnorePublicAcls\s*false/);
    expect(await page.textContent('#plan')).toContain(`Turn on IgnorePublicAcls for bucket prod-glance-${name}`);
    expect(await page.textContent('#rollback')).toContain('restores what is shown under Now');
    // Assess: the time left, the digest it binds, and who decides
    expect(await page.textContent('#countdown')).toMatch(/^(\d+ d )?\d+ h( \d+ min)?$/);
    expect(await page.textContent('#digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await page.getAttribute('#name', 'required')).not.toBeNull();
    // Assess: readable at this width — nothing scrolls sideways, the buttons are on screen and big enough to tap
    expect(await scrollsSideways(page)).toBe(false);
    for (const button of await page.$$('button')) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      expect(box.height).toBeGreaterThanOrEqual(40);
    }
    expect(stray).toEqual([]);
    await stillWaiting(w);
    // Leave nothing waiting: decide it
    await page.fill('#name', 'Glance Tester');
    await page.click('button.reject');
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('rejected');
    await w.execution.done;
    await page.close();
  });

  it('Reject: the workflow ends REJECTED and the bucket is unchanged', async () => {
    const w = await waitingApproval('prod-reject-me');
    const page = await browser.newPage();
    await page.goto(w.link);
    await page.fill('#name', 'Grace Hopper');
    await page.click('button.reject');
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('rejected');
    await w.execution.done;
    const audit = await readAudit(approvals.runtime.resources.tableName, w.executionName);
    expect(audit.at(-1)).toMatchObject({ outcome: 'REJECTED' });
    expect((audit.at(-1)?.detail as { note: string }).note).toContain('Rejected by Grace Hopper');
    const pab = await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: w.bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual(PARTIAL);
    await page.close();
  });
});
