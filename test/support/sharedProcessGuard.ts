import { afterAll, beforeAll } from 'vitest';

/**
 * vitest setup file of the fast tier, which runs many test files in one process per worker
 * (`isolate: false`, docs/decisions/018): a file that leaves an environment variable changed
 * (an endpoint, a table name, a log level) changes what the files after it test, and only in some
 * orders. This fails that file, naming the variables, so the leak is fixed where it is made.
 * vitest runs a setup file's `afterAll` after the file's own, so a file that restores its
 * variables in its own `afterAll` passes.
 */
let before: Record<string, string | undefined> = {};

/** Variables vitest itself sets per file or per worker. */
const isVitestOwn = (key: string): boolean => key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_ENV';

beforeAll(() => {
  before = { ...process.env };
});

afterAll(() => {
  const keys = new Set([...Object.keys(before), ...Object.keys(process.env)]);
  const changed = [...keys].filter((key) => !isVitestOwn(key) && before[key] !== process.env[key]).sort();
  if (changed.length > 0) {
    throw new Error(
      `this test file left environment variables changed: ${changed.join(', ')}. ` +
        'Restore them in an afterAll: the fast tier runs the files after it in the same process (docs/decisions/018).',
    );
  }
});
