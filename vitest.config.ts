import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** Tests leave traces and reports here, never in the project's .rectify/ (one directory per checkout). */
const TEST_HOME = path.join(tmpdir(), `rectify-test-${createHash('sha256').update(import.meta.dirname).digest('hex').slice(0, 8)}`);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // NodejsFunction bundling breaks under worker threads (TOOLCHAIN.md).
    pool: 'forks',
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
