// fastest-levenshtein rather than our own edit distance: one small file, no dependencies, widely
// used and tested; suggesting a near id is not worth code of our own to maintain.
import { distance } from 'fastest-levenshtein';
import { playbookIndex } from '../playbooks/index.generated.js';

/** How many known ids an {@link UnknownControlError} suggests. */
const SUGGESTIONS = 3;

/**
 * A control id an operator typed is not one the catalog covers (in any case). The message names
 * the nearest known ids, so the operator can retype it.
 */
export class UnknownControlError extends Error {
  /** The nearest known ids, nearest first (one to three). */
  readonly suggestions: readonly string[];

  constructor(input: string, suggestions: readonly string[], options?: { cause?: unknown }) {
    super(
      `no playbook covers control "${input}"; did you mean ${suggestions.join(', ')}? (\`rectify playbooks\` lists every control)`,
      options,
    );
    this.name = 'UnknownControlError';
    this.suggestions = suggestions;
  }
}

// The index is generated, plain data: computing this once at import pulls in no playbook code.
const KNOWN: readonly string[] = [...new Set(playbookIndex.flatMap((p) => p.controls))].sort();
const BY_FOLDED = new Map(KNOWN.map((id) => [id.toLowerCase(), id]));

/**
 * Every control id the catalog covers: Security Hub control ids and their standard-specific
 * aliases, sorted, each once.
 *
 * @example
 * knownControlIds().includes('EC2.19'); // true
 * knownControlIds().includes('cis-aws-foundations-benchmark/v/1.2.0/4.1'); // true
 */
export function knownControlIds(): readonly string[] {
  return KNOWN;
}

/**
 * The catalog's exact spelling of a control id an operator typed, matched without regard to case
 * or surrounding whitespace. The policy and the register are keyed by that spelling, so a setting
 * stored under it is the one the workflow finds.
 *
 * @throws {UnknownControlError} when no known id matches; its message names the nearest ones.
 * @example
 * normaliseControlId(' ec2.19 '); // 'EC2.19'
 * normaliseControlId('EC2.999'); // throws UnknownControlError: … did you mean EC2.19, EC2.1, EC2.13? …
 */
export function normaliseControlId(input: string): string {
  const folded = input.trim().toLowerCase();
  const known = BY_FOLDED.get(folded);
  if (known) return known;
  const nearest = KNOWN.map((id) => ({ id, d: distance(folded, id.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, SUGGESTIONS)
    .map(({ id }) => id);
  throw new UnknownControlError(input.trim(), nearest);
}
