import { EXEMPT_TAG_KEY } from './constants.js';

/** The parsed value of a `rectify:exempt` tag, e.g. `EC2.19 S3.5 until:2027-01-31`. */
export interface ExemptionTag {
  readonly controls: readonly string[] | '*';
  /** Last exempt day (UTC, inclusive), when the tag has one. */
  readonly until?: string;
}

export class MalformedExemptionTagError extends Error {
  constructor(value: string, why: string) {
    super(`tag ${EXEMPT_TAG_KEY}="${value}" is malformed: ${why}. Expected control ids or "*", optionally "until:YYYY-MM-DD".`);
    this.name = 'MalformedExemptionTagError';
  }
}

/**
 * YYYY-MM-DD that names a real day. `Date.parse('2027-02-30')` rolls over to 2 March; an
 * exemption must not silently last longer (or shorter) than its tag says.
 */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** Parse a tag value; a malformed value throws (the caller fails closed rather than guess). */
export function parseExemptionTag(value: string): ExemptionTag {
  const tokens = value.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0) throw new MalformedExemptionTagError(value, 'it is empty');
  let until: string | undefined;
  const controls: string[] = [];
  for (const token of tokens) {
    if (token.toLowerCase().startsWith('until:')) {
      const date = token.slice('until:'.length);
      if (!isCalendarDate(date)) throw new MalformedExemptionTagError(value, `"${date}" is not a date`);
      if (until) throw new MalformedExemptionTagError(value, 'it has two until: dates');
      until = date;
    } else {
      controls.push(token);
    }
  }
  if (controls.length === 0) throw new MalformedExemptionTagError(value, 'it names no control');
  return { controls: controls.includes('*') ? '*' : controls, ...(until ? { until } : {}) };
}

export interface TagExemptionDecision {
  readonly exempt: boolean;
  readonly reason: string;
}

/**
 * Decide a tag exemption for one finding's control ids at `now`. Returns undefined when the
 * resource has no exemption tag. An expired exemption is not an exemption, and says so.
 */
export function decideTagExemption(
  tags: Record<string, string>,
  controlIds: readonly string[],
  now: Date,
): TagExemptionDecision | undefined {
  // Keys match ignoring case; AWS keys are case-sensitive, so several can match: any that exempts does.
  const keys = Object.keys(tags).filter((key) => key.toLowerCase() === EXEMPT_TAG_KEY);
  if (keys.length === 0) return undefined;
  const decisions = keys.map((key) => decideOne(tags[key]!, controlIds, now));
  return decisions.find((d) => d.exempt) ?? { exempt: false, reason: decisions.map((d) => d.reason).join('; ') };
}

function decideOne(value: string, controlIds: readonly string[], now: Date): TagExemptionDecision {
  const tag = parseExemptionTag(value);
  // Control ids match ignoring case: `ec2.19` must exempt EC2.19, not silently nothing.
  const wanted = new Set(controlIds.map((id) => id.toLowerCase()));
  const covers = tag.controls === '*' || tag.controls.some((id) => wanted.has(id.toLowerCase()));
  if (!covers) {
    return { exempt: false, reason: `tag ${EXEMPT_TAG_KEY}="${value}" does not cover control ${controlIds[0]}` };
  }
  if (tag.until && now.getTime() >= Date.parse(`${tag.until}T00:00:00Z`) + 86_400_000) {
    return { exempt: false, reason: `tag ${EXEMPT_TAG_KEY}="${value}" expired on ${tag.until}; exemption ignored` };
  }
  return {
    exempt: true,
    reason: `tag ${EXEMPT_TAG_KEY}="${value}" exempts control ${controlIds[0]}${tag.until ? ` until ${tag.until}` : ''}`,
  };
}
