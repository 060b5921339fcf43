/** What one state did to the execution's state: the top-level fields it added or changed, and those it dropped. */
export interface StateDelta {
  readonly changed: Readonly<Record<string, unknown>>;
  readonly removed: readonly string[];
  /** Input or output is not an object (a Pass with a literal, a Fail): compare as a whole. */
  readonly whole?: { readonly input: unknown; readonly output: unknown };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Pure: the difference between a state's input and output, by top-level field. Each Rectify
 * task writes its own result path, so this is what the state added — the rest repeats the
 * input the page already showed once.
 */
export function stateDelta(input: unknown, output: unknown): StateDelta {
  if (!isRecord(input) || !isRecord(output)) return { changed: {}, removed: [], whole: { input, output } };
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(output)) {
    if (JSON.stringify(value) !== JSON.stringify(input[key])) changed[key] = value;
  }
  return { changed, removed: Object.keys(input).filter((key) => !(key in output)) };
}
