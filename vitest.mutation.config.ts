import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The mutation run (test/mutation/mutateVerify.ts): the suite with one playbook's verify replaced by a liar. */
export default mergeConfig(
  base,
  defineConfig({ test: { setupFiles: ['test/mutation/verifyAlwaysCompliant.setup.ts'] } }),
);
