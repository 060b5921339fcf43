import * as z from 'zod';

/** The shortest reason the register accepts, in characters (after trimming). */
export const MIN_REASON_LENGTH = 3;

/**
 * An entry of the central exemption register: a resource, an account, or an account and one
 * control, with who asked, why, and until when (always bounded).
 */
export const ExemptionEntrySchema = z
  .object({
    resourceArn: z.string().min(1).optional(),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    controlId: z.string().min(1).optional(),
    reason: z.string().trim().min(MIN_REASON_LENGTH, `say why the exemption is needed, in at least ${MIN_REASON_LENGTH} characters`),
    requestedBy: z.string().trim().min(1, 'say who asked for it'),
    /** Last exempt day (UTC, inclusive). */
    expiresOn: z.iso.date(),
    createdAt: z.string().optional(),
  })
  .refine((e) => Boolean(e.resourceArn) !== Boolean(e.account), 'scope it to exactly one of a resource ARN and an account')
  .refine((e) => !(e.resourceArn && e.controlId), 'a control narrows an account exemption; a resource exemption covers its controls');
export type ExemptionEntry = z.infer<typeof ExemptionEntrySchema>;

/** The register key of an entry (one entry per scope). */
export function scopeKey(entry: Pick<ExemptionEntry, 'resourceArn' | 'account' | 'controlId'>): string {
  if (entry.resourceArn) return `resource#${entry.resourceArn}`;
  return entry.controlId ? `account#${entry.account}#control#${entry.controlId}` : `account#${entry.account}`;
}

/** The scopes that could exempt one finding, most specific first. */
export function candidateScopes(resourceArn: string, account: string, controlIds: readonly string[]): string[] {
  return [
    scopeKey({ resourceArn }),
    ...controlIds.map((controlId) => scopeKey({ account, controlId })),
    scopeKey({ account }),
  ];
}

const DAY = 86_400_000;

/** Check a new entry: expiry in the future and within the policy's maximum. */
export function validateNewEntry(entry: ExemptionEntry, now: Date, maxDays: number): void {
  const end = Date.parse(`${entry.expiresOn}T00:00:00Z`) + DAY;
  if (end <= now.getTime()) throw new Error(`expiresOn ${entry.expiresOn} is in the past`);
  if (end - now.getTime() > (maxDays + 1) * DAY) throw new Error(`expiresOn ${entry.expiresOn} is more than ${maxDays} days away (the policy's maxExemptionDays)`);
}

export interface RegisterDecision {
  readonly exempt: boolean;
  readonly reason: string;
  readonly entry?: ExemptionEntry;
}

function describe(entry: ExemptionEntry): string {
  const scope = entry.resourceArn ? `resource ${entry.resourceArn}` : `account ${entry.account}${entry.controlId ? ` for ${entry.controlId}` : ''}`;
  return `register entry for ${scope} (by ${entry.requestedBy}: "${entry.reason}")`;
}

/**
 * Decide from the entries found for a finding's scopes (in {@link candidateScopes} order): the
 * first unexpired one exempts; expired ones are ignored, and said so.
 */
export function decideRegisterExemption(entries: readonly ExemptionEntry[], now: Date): RegisterDecision | undefined {
  const expired: string[] = [];
  for (const entry of entries) {
    if (now.getTime() >= Date.parse(`${entry.expiresOn}T00:00:00Z`) + DAY) {
      expired.push(`${describe(entry)} expired on ${entry.expiresOn}; ignored`);
      continue;
    }
    return { exempt: true, reason: `${describe(entry)} until ${entry.expiresOn}`, entry };
  }
  return expired.length > 0 ? { exempt: false, reason: expired.join('; ') } : undefined;
}
