import path from 'node:path';
import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { approvalLink } from '../../tasks/approval/signing.js';
import { AuditEvent } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { executionNameFor, startExecutions } from '../../tasks/handlers/intake.js';
import { getApproval, readAudit } from '../../tasks/store/table.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LocalRuntime, type PendingApproval } from '../../workflows/local/runtime.js';
import { recordCalls } from '../../workflows/local/sdkFaults.js';
import { launchChromium, RESULTS_DIR } from '../support/browser.js';
import { useMoto } from '../support/moto.js';

const PARTIAL = { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('approval by email link, in a real browser', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  let browser: Browser;
  const pending = new Map<string, PendingApproval>();

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      motoEndpoint: aws.endpoint,
      policy: PolicySchema.parse({ mode: 'auto' }),
      approver: (p) => {
        pending.set(p.executionName, p);
        return 'external'; // a person decides, through the page
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  /** A production bucket with a partial Block Public Access configuration, and its finding, waiting for approval. */
  async function waitingApproval(bucket: string) {
    await callAws({ service: 'S3', command: 'CreateBucket', params: { Bucket: bucket } });
    await callAws({ service: 'S3', command: 'PutPublicAccessBlock', params: { Bucket: bucket, PublicAccessBlockConfiguration: PARTIAL } });
    await callAws({ service: 'S3', command: 'PutBucketTagging', params: { Bucket: bucket, Tagging: { TagSet: [{ Key: 'environment', Value: 'prod' }] } } });
    const finding = {
      Id: `finding-${bucket}`, ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', GeneratorId: 'security-control/S3.8',
      AwsAccountId: '123456789012', UpdatedAt: '2026-11-01T00:00:00Z', Severity: { Label: 'HIGH' }, Title: 'S3 general purpose buckets should block public access',
      Compliance: { Status: 'FAILED', SecurityControlId: 'S3.8' }, Resources: [{ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::${bucket}`, Region: 'us-east-1' }],
      Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE',
    };
    runtime.securityHub.import(finding as never);
    await startExecutions(runtime.stateMachineArn, { 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [finding] } });
    const name = executionNameFor(finding, 'automatic');
    for (let i = 0; i < 200 && !pending.has(name); i++) await new Promise((r) => setTimeout(r, 25));
    const approval = pending.get(name);
    if (!approval) throw new Error(`no approval requested for ${name}`);
    return { ...approval, execution: runtime.stepFunctions.byName(name)!, bucket };
  }

  async function stillWaiting(w: Awaited<ReturnType<typeof waitingApproval>>) {
    expect(w.execution.status).toBe('RUNNING');
    expect((await getApproval(runtime.resources.tableName, w.approvalId))?.status).toBe('PENDING');
    const pab = await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: w.bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual(PARTIAL);
  }

  const kindOf = (html: string) => /data-outcome="([^"]+)"/.exec(html)?.[1] ?? 'approval-page';

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
    const audit = await readAudit(runtime.resources.tableName, w.executionName);
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

  it('Reject: the workflow ends REJECTED and the bucket is unchanged', async () => {
    const w = await waitingApproval('prod-reject-me');
    const page = await browser.newPage();
    await page.goto(w.link);
    await page.fill('#name', 'Grace Hopper');
    await page.click('button.reject');
    expect(await page.getAttribute('#outcome', 'data-outcome')).toBe('rejected');
    await w.execution.done;
    const audit = await readAudit(runtime.resources.tableName, w.executionName);
    expect(audit.at(-1)).toMatchObject({ outcome: 'REJECTED' });
    expect((audit.at(-1)?.detail as { note: string }).note).toContain('Rejected by Grace Hopper');
    const pab = await adminClient(S3Client).send(new GetPublicAccessBlockCommand({ Bucket: w.bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual(PARTIAL);
    await page.close();
  });

  describe('attacks: each leaves the execution waiting and the bucket unchanged', () => {
    let w: Awaited<ReturnType<typeof waitingApproval>>;
    let key: string;
    beforeAll(async () => {
      w = await waitingApproval('prod-under-attack');
      key = (await adminClient(SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: runtime.resources.approvalSecretArn }))).SecretString!;
    });
    const url = () => new URL(w.link);
    const post = (link: string, fields: Record<string, string>) =>
      fetch(link, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const formFields = async () => {
      const html = await (await fetch(w.link)).text();
      const field = (n: string) => new RegExp(`name="${n}" value="([^"]*)"`).exec(html)?.[1] ?? '';
      return { exp: field('exp'), sig: field('sig'), csrf: field('csrf') };
    };

    it('a mail scanner fetching the link ten times', async () => {
      for (let i = 0; i < 10; i++) expect(kindOf(await (await fetch(w.link)).text())).toBe('approval-page');
      await stillWaiting(w);
    });

    it('a forged or truncated signature', async () => {
      const sig = url().searchParams.get('sig')!;
      for (const bad of [`${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, sig.slice(0, 20), '']) {
        const link = url();
        link.searchParams.set('sig', bad);
        const response = await fetch(link);
        expect(kindOf(await response.text())).toBe('invalid');
        expect(response.status).toBe(403);
      }
      await stillWaiting(w);
    });

    it('an expired link (validly signed, expiry passed) and a link whose expiry was extended', async () => {
      const base = `${url().origin}`;
      const expired = approvalLink(base, key, w.approvalId, Math.floor(Date.now() / 1000) - 60);
      expect(kindOf(await (await fetch(expired)).text())).toBe('expired');
      const extended = url();
      extended.searchParams.set('exp', String(Number(extended.searchParams.get('exp')) + 86_400));
      expect(kindOf(await (await fetch(extended)).text())).toBe('invalid');
      await stillWaiting(w);
    });

    it('a link for another approval id reveals nothing about whether that id exists', async () => {
      const other = new URL(w.link.replace(w.approvalId, '00000000-0000-4000-8000-000000000000'));
      const forged = url();
      forged.searchParams.set('sig', 'x'.repeat(43));
      const [a, b] = await Promise.all([fetch(other), fetch(forged)]);
      expect(a.status).toBe(b.status);
      expect(await a.text()).toBe(await b.text());
      await stillWaiting(w);
    });

    it('a POST without, or with a wrong, CSRF token', async () => {
      const { exp, sig, csrf } = await formFields();
      expect(kindOf(await (await post(w.link, { exp, sig, decision: 'approve' })).text())).toBe('invalid');
      expect(kindOf(await (await post(w.link, { exp, sig, csrf: `${csrf.slice(0, -2)}zz`, decision: 'approve' })).text())).toBe('invalid');
      const otherId = approvalLink(url().origin, key, '00000000-0000-4000-8000-000000000000', Number(exp));
      expect(kindOf(await (await post(otherId, { exp, sig, csrf, decision: 'approve' })).text())).toBe('invalid');
      await stillWaiting(w);
    });

    it('a POST with a valid CSRF token but a forged, truncated, foreign or missing signature decides nothing', async () => {
      // Prepare: a real GET of the page gives a valid CSRF token for this approval and expiry
      const { exp, sig, csrf } = await formFields();
      expect(csrf).not.toBe('');
      const foreign = new URL(approvalLink(url().origin, key, '00000000-0000-4000-8000-000000000000', Number(exp))).searchParams.get('sig')!;
      const otherKey = new URL(approvalLink(url().origin, 'not-the-signing-key-'.repeat(3), w.approvalId, Number(exp))).searchParams.get('sig')!;
      const forgeries = {
        tampered: `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
        truncated: sig.slice(0, 20),
        'signed for another approval': foreign,
        'signed with another key': otherKey,
      };
      const unsigned = url();
      unsigned.searchParams.delete('sig');
      const sdkCalls = recordCalls(); // the approval handler runs in this process: its SFN calls pass the interceptors
      onTestFinished(() => sdkCalls.stop());
      for (const [what, bad] of Object.entries(forgeries)) {
        // Act: everything else a decision needs is right — the form's exp, its CSRF token, a name, a decision
        const inBody = await post(unsigned.toString(), { exp, sig: bad, csrf, decision: 'approve', name: 'Mallory', comment: what });
        const inLink = url();
        inLink.searchParams.set('sig', bad);
        const inQuery = await post(inLink.toString(), { exp, csrf, decision: 'approve', name: 'Mallory', comment: what });
        // Assess
        for (const response of [inBody, inQuery]) {
          expect(response.status, what).toBe(403);
          expect(kindOf(await response.text()), what).toBe('invalid');
        }
      }
      const none = await post(unsigned.toString(), { exp, csrf, decision: 'approve', name: 'Mallory' });
      expect(none.status).toBe(403);
      expect(kindOf(await none.text())).toBe('invalid');
      // Assess: nothing was decided — no task token completed, the record PENDING, no decision audited, the bucket as it was
      expect(sdkCalls.calls.filter((c) => c.service === 'SFN').map((c) => c.command)).toEqual([]);
      expect((await readAudit(runtime.resources.tableName, w.executionName)).filter((a) => a.event === AuditEvent.APPROVAL_DECIDED)).toEqual([]);
      await stillWaiting(w);
    });

    it('a second POST after the decision is refused as already decided', async () => {
      const fields = await formFields();
      expect(kindOf(await (await post(w.link, { ...fields, decision: 'reject', name: 'first' })).text())).toBe('rejected');
      expect(kindOf(await (await post(w.link, { ...fields, decision: 'approve', name: 'second' })).text())).toBe('already-decided');
      const done = await w.execution.done;
      expect(done.status).toBe('SUCCEEDED');
      const decisions = (await readAudit(runtime.resources.tableName, w.executionName)).filter((a) => a.event === AuditEvent.APPROVAL_DECIDED);
      expect(decisions).toHaveLength(1);
      expect(decisions[0]?.actor).toBe('first');
    });
  });
});
