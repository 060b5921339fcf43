import { EXEMPT_TAG_KEY } from '../../tasks/domain/constants.js';
import { STORM_CONTROLS, type StormControl } from './controls.js';

export const STORM_ACCOUNTS = ['123456789012', '222222222222'] as const;

/**
 * What a delivered finding is: a new finding on its own resource (automatic), one on an exempt
 * or a production (approval) resource, the same finding version delivered again, or another
 * finding id for a resource and control that already has one.
 */
export type DeliveryKind = 'new' | 'exempt' | 'approval' | 'redelivered' | 'sameResourceNewId';

/** 30 % duplicates (half re-delivered, half another id on the same resource), 10 % exempt, 10 % approval. */
export const STORM_MIX: Readonly<Record<DeliveryKind, number>> = { new: 0.5, exempt: 0.1, approval: 0.1, redelivered: 0.15, sameResourceNewId: 0.15 };

export interface PlannedResource {
  readonly key: number;
  readonly control: StormControl;
  readonly account: string;
  readonly name: string;
  readonly tags: Record<string, string>;
}

export interface PlannedDelivery {
  readonly kind: DeliveryKind;
  readonly resource: PlannedResource;
  readonly findingId: string;
  readonly updatedAt: string;
}

export interface StormPlan {
  readonly resources: PlannedResource[];
  /** In delivery order; a duplicate always comes after the finding it repeats. */
  readonly deliveries: PlannedDelivery[];
}

/** Small seeded PRNG (mulberry32): the same plan on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_TIME = Date.UTC(2026, 10, 1);

/** Plan `n` deliveries and the resources they need. */
export function planStorm(n: number, seed = 8): StormPlan {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const count = (kind: DeliveryKind) => Math.round(n * STORM_MIX[kind]);
  const duplicates = count('redelivered') + count('sameResourceNewId');
  const baseKinds: DeliveryKind[] = [
    ...Array<DeliveryKind>(count('exempt')).fill('exempt'),
    ...Array<DeliveryKind>(count('approval')).fill('approval'),
  ];
  while (baseKinds.length < n - duplicates) baseKinds.push('new');
  // Shuffle so exempt and approval findings arrive spread through the storm.
  for (let i = baseKinds.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [baseKinds[i], baseKinds[j]] = [baseKinds[j]!, baseKinds[i]!];
  }
  const resources: PlannedResource[] = [];
  const keyed: { sortKey: number; delivery: PlannedDelivery }[] = [];
  for (const [i, kind] of baseKinds.entries()) {
    const control = STORM_CONTROLS[i % STORM_CONTROLS.length]!;
    const account = pick(STORM_ACCOUNTS);
    const tags: Record<string, string> =
      kind === 'exempt' ? { [EXEMPT_TAG_KEY]: rand() < 0.5 ? '*' : control.controlId } : kind === 'approval' ? { environment: 'prod' } : {};
    const resource = { key: i, control, account, name: `storm-${String(i).padStart(6, '0')}-${account.slice(-4)}`, tags };
    resources.push(resource);
    const findingId = `arn:aws:securityhub:us-east-1:${account}:security-control/${control.controlId}/finding/storm-${i}`;
    keyed.push({ sortKey: i, delivery: { kind, resource, findingId, updatedAt: new Date(BASE_TIME + i * 1000).toISOString() } });
  }
  const originals = [...keyed];
  for (const kind of ['redelivered', 'sameResourceNewId'] as const) {
    for (let d = 0; d < count(kind); d++) {
      const original = pick(originals);
      // Most repeats arrive while the original may still run; some long after it finished.
      const gap = rand() < 0.7 ? 1 + rand() * 40 : 40 + rand() * n * 0.3;
      const delivery: PlannedDelivery =
        kind === 'redelivered'
          ? { ...original.delivery, kind }
          : { ...original.delivery, kind, findingId: `${original.delivery.findingId}/alias-${d}` };
      keyed.push({ sortKey: original.sortKey + gap, delivery });
    }
  }
  keyed.sort((a, b) => a.sortKey - b.sortKey);
  return { resources, deliveries: keyed.map((k) => k.delivery) };
}

/** The ASFF finding of a delivery, once its resource exists (`arn`). */
export function stormFinding(delivery: PlannedDelivery, arn: string): Record<string, unknown> {
  const { resource } = delivery;
  return {
    SchemaVersion: '2018-10-08',
    Id: delivery.findingId,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: `security-control/${resource.control.controlId}`,
    AwsAccountId: resource.account,
    CreatedAt: delivery.updatedAt,
    UpdatedAt: delivery.updatedAt,
    Severity: { Label: 'MEDIUM' },
    Title: `${resource.control.controlId} storm finding`,
    Compliance: { Status: 'FAILED', SecurityControlId: resource.control.controlId },
    Resources: [{ Type: resource.control.resourceType, Id: arn, Partition: 'aws', Region: 'us-east-1' }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}
