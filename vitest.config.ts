import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/** Test files of the slow tier (`npm run test:slow`); `npm test` runs every other test file (docs/decisions/015). */
export const SLOW_TESTS = 'test/**/*.slow.test.ts';

/** Tests leave traces and reports here, never in the project's .rectify/ (one directory per checkout). */
const TEST_HOME = path.join(tmpdir(), `rectify-test-${createHash('sha256').update(import.meta.dirname).digest('hex').slice(0, 8)}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, SLOW_TESTS],
    // NodejsFunction bundling breaks under worker threads (TOOLCHAIN.md).
    pool: 'forks',
    // The fast tier's files share their worker's process: the AWS SDK, the CDK library and the
    // handlers are loaded once per worker, not once per file. What a file changes in the process it
    // undoes (env, SDK stubs, recorders) (docs/decisions/018).
    isolate: false,
    // Fails a file that leaves an environment variable changed for the files after it; it relies on
    // vitest's default hook order, a setup file's afterAll after the file's own.
    setupFiles: ['test/support/sharedProcessGuard.ts'],
    sequence: { hooks: 'stack' },
    // vitest's default is one worker per core but one: a single worker on two cores, which leaves a core idle while it waits on moto.
    maxWorkers: Math.max(2, availableParallelism()),
    // One moto server per worker for the whole run; each file resets its worker's (test/support/moto.ts).
    globalSetup: ['test/support/motoGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test must never pass CI silently.
    allowOnly: false,
    passWithNoTests: false,
    // Local runs print no EMF metric lines and send no traces (the handlers still call both).
    // The AWS SDK's Node 22 notice is said once, in README, not by every test process.
    env: {
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      RECTIFY_HOME: TEST_HOME,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
