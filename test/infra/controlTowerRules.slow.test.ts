import { afterAll, describe, it } from 'vitest';
import { bundledRules, expectOnlyAcknowledgedViolations, SYNTH_WITH_GUARD_TIMEOUT_MS } from './controlTowerCheck.js';
import { APP_CONFIGURATIONS, removeOutdirs } from './testApp.js';

/**
 * The Control Tower rules over every configuration but the defaults (which the fast tier's
 * controlTowerRules.test.ts synthesizes): ~12 s of one fast-tier worker each (decision 018).
 */
describe('AWS Control Tower proactive controls (CloudFormation Guard), every other configuration', () => {
  afterAll(removeOutdirs);
  const rules = bundledRules();

  for (const [name, rectify] of Object.entries(APP_CONFIGURATIONS).filter(([name]) => name !== 'the cdk.json defaults')) {
    it(`synthesizes both stacks with no unacknowledged violation, each acknowledgement with a reason, with ${name}`, () => {
      expectOnlyAcknowledgedViolations(rectify, rules);
    }, SYNTH_WITH_GUARD_TIMEOUT_MS);
  }
});
