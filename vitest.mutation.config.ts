import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The mutation run (test/mutation/mutateVerify.ts): the suite with one playbook's verify replaced by
 * a liar. It runs files of both tiers (the lying-verify workflow run,
 * test/playbooks/verifyCatchesNoop.slow.test.ts, is in the slow tier), each in its own process, so
 * the mutant module is never shared with another file (docs/decisions/018).
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    exclude: [...configDefaults.exclude],
    setupFiles: ['test/mutation/verifyAlwaysCompliant.setup.ts'],
    isolate: true,
  },
});
