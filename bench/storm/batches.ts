import type { SQSEvent } from 'aws-lambda';
import { STORM_ACCOUNTS, stormFinding, type PlannedDelivery } from './plan.js';

const MESSAGES_PER_BATCH = 10;

/** One SQS batch: up to ten EventBridge events of one to three findings each, as the intake queue delivers them. */
export function nextBatch(deliveries: readonly PlannedDelivery[], from: number, arns: Map<number, string>, batch: number) {
  const records: { messageId: string; body: string }[] = [];
  const findings: Record<string, unknown>[] = [];
  let next = from;
  for (let m = 0; m < MESSAGES_PER_BATCH && next < deliveries.length; m++) {
    const size = 1 + ((batch + m) % 3 === 0 ? 2 : (batch + m) % 3 === 1 ? 1 : 0);
    const events = deliveries.slice(next, next + size).map((d) => stormFinding(d, arns.get(d.resource.key)!));
    next += events.length;
    findings.push(...events);
    records.push({
      messageId: `storm-${batch}-${m}`,
      body: JSON.stringify({ 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', account: STORM_ACCOUNTS[0], detail: { findings: events } }),
    });
  }
  return { event: { Records: records } as unknown as SQSEvent, findings, next };
}

