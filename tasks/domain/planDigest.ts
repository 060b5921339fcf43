import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal plans give equal text whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The digest an approval is bound to: the playbook, the resource and the exact changes (every
 * field of every planned change, not only its description). At the moment of change Remediate
 * plans again and applies only when the digest is the one that was approved.
 *
 * @example
 * planDigest({ playbookId: 'kms-enable-key-rotation', resourceId: arn, changes: [{ description: 'Enable rotation' }] }); // 'sha256:3f1c…'
 */
export function planDigest(plan: { playbookId: string; resourceId: string; changes: readonly unknown[] }): string {
  return `sha256:${createHash('sha256').update(canonicalJson({ playbookId: plan.playbookId, resourceId: plan.resourceId, changes: plan.changes })).digest('hex')}`;
}
