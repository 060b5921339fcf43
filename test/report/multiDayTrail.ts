import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { putExemption } from '../../tasks/store/exemptions.js';
import { appendAudit } from '../../tasks/store/table.js';
import { LOCAL_NAMES, provisionLocal } from '../../workflows/local/provision.js';

const DAY = 86_400_000;
const CONTROLS = [
  { controlId: 'S3.8', resource: (i: number) => `arn:aws:s3:::app-bucket-${i}` },
  { controlId: 'EC2.19', resource: (i: number) => `arn:aws:ec2:us-east-1:123456789012:security-group/sg-0${String(i).padStart(16, '0')}` },
  { controlId: 'KMS.4', resource: (i: number) => `arn:aws:kms:us-east-1:123456789012:key/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000` },
] as const;

/** What the trail holds, so tests can check the report against it rather than against numbers typed by hand. */
export interface TrailSummary {
  readonly executions: number;
  readonly days: number;
  readonly approvals: number;
  readonly byOutcome: Record<string, number>;
}

/**
 * Three weeks of audit records, written through the real store (`appendAudit` with the
 * record's own time, `putExemption`) into the table in moto: every day a few executions over
 * three controls — fixes getting faster week by week, KMS.4 rolling back about every second time,
 * an exemption and a rejection now and then, approvals decided after a while — and register
 * exemptions expiring over the next weeks. Deterministic: the same trail every run.
 */
export async function recordMultiDayTrail(now: Date, days = 21): Promise<TrailSummary> {
  await provisionLocal('123456789012', [], PolicySchema.parse({}), 'us-east-1');
  const byOutcome: Record<string, number> = {};
  let executions = 0;
  let approvals = 0;
  for (let day = days; day >= 1; day--) {
    const perDay = 2 + (day % 3);
    for (let n = 0; n < perDay; n++) {
      const i = day * 10 + n;
      const control = CONTROLS[i % CONTROLS.length]!;
      const outcome = control.controlId === 'KMS.4' && i % 2 === 0 ? Outcome.FAILED_ROLLED_BACK : i % 11 === 0 ? Outcome.EXEMPT : i % 13 === 0 ? Outcome.REJECTED : Outcome.REMEDIATED;
      const start = new Date(now.getTime() - day * DAY + (8 + n * 2) * 3_600_000);
      // Faster as the weeks go by: older days took longer.
      const durationSeconds = 20 + day * 6 + (i % 7) * 5;
      const executionName = `${control.controlId.replace('.', '-')}-trail-${day}-${n}`;
      const identity = { executionName, controlId: control.controlId, resourceId: control.resource(i), account: '123456789012', region: 'us-east-1' };
      const approved = n === 1 || outcome === Outcome.REJECTED;
      if (approved) {
        const latencySeconds = 120 + (i % 9) * 400;
        await appendAudit(LOCAL_NAMES.table, { ...identity, event: AuditEvent.APPROVAL_DECIDED, step: 'AwaitApproval', actor: n % 2 ? 'Ada Lovelace' : 'Grace Hopper', detail: { decision: outcome === Outcome.REJECTED ? 'REJECTED' : 'APPROVED', latencySeconds } }, new Date(start.getTime() + latencySeconds * 1000));
        approvals++;
      }
      await appendAudit(LOCAL_NAMES.table, { ...identity, event: AuditEvent.OUTCOME, step: 'RecordOutcome', actor: 'automation', outcome, detail: { durationSeconds, note: `Rectify ${outcome}` } }, new Date(start.getTime() + durationSeconds * 1000 + (approved ? 3_000_000 : 0)));
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
      executions++;
    }
  }
  for (const [k, inDays] of [3, 10, 12, 30, 45].entries()) {
    const expiresOn = new Date(now.getTime() + inDays * DAY).toISOString().slice(0, 10);
    await putExemption(LOCAL_NAMES.table, { account: `22222222222${k}`, reason: 'migration window agreed with the owner', requestedBy: 'platform team', expiresOn });
  }
  return { executions, days, approvals, byOutcome };
}
