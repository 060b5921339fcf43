import { describe, expect, it } from 'vitest';
import { approvalPage, timeLeft, type ApprovalView } from '../../tasks/approval/pages.js';
import { boundedJson } from '../../tasks/handlers/requestApproval.js';

const view: ApprovalView = {
  approvalId: '3f1c2d4e-0000-4000-8000-000000000001',
  title: 'S3 general purpose buckets should block public access <script>alert(1)</script>',
  controlId: 'S3.8',
  resourceId: 'arn:aws:s3:::prod-data',
  account: '222222222222',
  region: 'eu-west-1',
  risk: 'HIGH',
  riskReasons: ['tag environment=prod marks it production', 'risk HIGH is at or above the approval threshold HIGH'],
  playbookId: 's3-enable-bucket-block-public-access',
  plan: { summary: 'Turn on 1 Block Public Access setting(s) for bucket prod-data (S3.8)', changes: ['Turn on IgnorePublicAcls for bucket prod-data'] },
  expiresAt: '2026-12-02T09:30:00.000Z',
  requestedAt: '2026-12-01T09:30:00.000Z',
  criticality: { level: 'production', because: 'tag environment=prod marks it production' },
  currentState: JSON.stringify({ BlockPublicAcls: true, IgnorePublicAcls: false }),
  planDigest: `sha256:${'a'.repeat(64)}`,
};
const form = { exp: 1_764_667_800, sig: 'sig', csrf: 'csrf' };

describe('approval page', () => {
  it('says how long is left, in words', () => {
    const now = new Date('2026-12-01T09:30:00.000Z');
    expect(timeLeft('2026-12-02T09:30:00.000Z', now)).toBe('1 d 0 h');
    expect(timeLeft('2026-12-01T23:29:30.000Z', now)).toBe('13 h 59 min');
    expect(timeLeft('2026-12-01T09:42:00.000Z', now)).toBe('12 min');
    expect(timeLeft('2026-12-01T09:00:00.000Z', now)).toBe('expired');
  });

  it('shows where, why production, the state now, the plan, the digest and the time left; escapes what came from outside; has no script', () => {
    // Act
    const html = approvalPage(view, form, new Date('2026-12-01T20:00:00.000Z'));
    // Assess
    expect(html).toContain('<dd id="production">tag environment=prod marks it production</dd>');
    expect(html).toMatch(/<dt>BlockPublicAcls<\/dt><dd>true<\/dd><dt>IgnorePublicAcls<\/dt><dd>false<\/dd>/);
    expect(html).toContain('<li>Turn on IgnorePublicAcls for bucket prod-data</li>');
    expect(html).toContain(`<span class="digest" id="digest">sha256:${'a'.repeat(64)}</span>`);
    expect(html).toMatch(/id="countdown"[^>]*>13 h 30 min</);
    expect(html).toContain('until 2026-12-02 09:30 UTC');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toMatch(/<input type="text" id="name" name="name"[^>]* required/);
  });

  it('shows a state that is not a flat object as JSON, one that was cut as text, and none as not recorded', () => {
    const nested = approvalPage({ ...view, currentState: JSON.stringify({ ingress: [{ port: 22 }] }) }, form);
    expect(nested).toContain('&quot;port&quot;: 22');
    const cut = boundedJson({ policy: 'x'.repeat(100) }, 40);
    expect(cut).toMatch(/… \(cut: \d+ characters in all\)$/);
    expect(approvalPage({ ...view, currentState: cut }, form)).toContain('cut:');
    expect(approvalPage({ ...view, currentState: 'null' }, form)).toContain('Nothing configured');
    const older = approvalPage({ ...view, currentState: undefined, criticality: undefined, planDigest: undefined }, form);
    expect(older).toContain('Not recorded with this request');
    expect(older).not.toContain('id="digest"');
  });
});
