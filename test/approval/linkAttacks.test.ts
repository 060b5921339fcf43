import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { approvalLink } from '../../tasks/approval/signing.js';
import { AuditEvent } from '../../tasks/domain/constants.js';
import { readAudit } from '../../tasks/store/table.js';
import { recordCalls } from '../../workflows/local/sdkFaults.js';
import { kindOf, useApprovalRuntime, type WaitingApproval } from '../support/approvalRuntime.js';
import { useMoto } from '../support/moto.js';

/**
 * Attacks on the emailed approval link and its page, over HTTP against the local approval
 * endpoint (no browser needed); the page as a person uses it is test/browser/approval.slow.test.ts.
 */
describe('approval by email link, under attack', () => {
  const aws = useMoto();
  const approvals = useApprovalRuntime(aws);
  const { waitingApproval, stillWaiting } = approvals;

  describe('attacks: each leaves the execution waiting and the bucket unchanged', () => {
    let w: WaitingApproval;
    let key: string;
    beforeAll(async () => {
      w = await waitingApproval('prod-under-attack');
      key = (await adminClient(SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: approvals.runtime.resources.approvalSecretArn }))).SecretString!;
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
      expect((await readAudit(approvals.runtime.resources.tableName, w.executionName)).filter((a) => a.event === AuditEvent.APPROVAL_DECIDED)).toEqual([]);
      await stillWaiting(w);
    });

    it('a second POST after the decision is refused as already decided', async () => {
      const fields = await formFields();
      expect(kindOf(await (await post(w.link, { ...fields, decision: 'reject', name: 'first' })).text())).toBe('rejected');
      expect(kindOf(await (await post(w.link, { ...fields, decision: 'approve', name: 'second' })).text())).toBe('already-decided');
      const done = await w.execution.done;
      expect(done.status).toBe('SUCCEEDED');
      const decisions = (await readAudit(approvals.runtime.resources.tableName, w.executionName)).filter((a) => a.event === AuditEvent.APPROVAL_DECIDED);
      expect(decisions).toHaveLength(1);
      expect(decisions[0]?.actor).toBe('first');
    });
  });
});
