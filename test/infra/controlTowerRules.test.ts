import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_TOWER_PLUGIN, ControlTowerRules } from '../../infra/controlTowerRules.js';
import { bundledRules, expectOnlyAcknowledgedViolations, SYNTH_WITH_GUARD_TIMEOUT_MS } from './controlTowerCheck.js';
import { APP_CONFIGURATIONS, removeOutdirs, tempOutdir } from './testApp.js';

/** The fast tier synthesizes the defaults with every rule; the other configurations run in controlTowerRules.slow.test.ts (decision 018). */
const FAST_CONFIGURATION = 'the cdk.json defaults';

describe('AWS Control Tower proactive controls (CloudFormation Guard)', () => {
  afterAll(removeOutdirs);
  const rules = bundledRules();

  it('evaluates every bundled rule: none is disabled, acknowledgements are per resource', () => {
    // Act
    const plugin = new ControlTowerRules();

    // Assess
    expect(rules.length).toBeGreaterThan(200);
    expect(rules.filter((rule) => rule.types.length === 0)).toEqual([]);
    expect(plugin.ruleIds).toHaveLength(rules.length);
  });

  it(`synthesizes both stacks with no unacknowledged violation, each acknowledgement with a reason, with ${FAST_CONFIGURATION}`, () => {
    expectOnlyAcknowledgedViolations(APP_CONFIGURATIONS[FAST_CONFIGURATION]!, rules);
  }, SYNTH_WITH_GUARD_TIMEOUT_MS);

  it('fails synth on a violation nobody acknowledged, even beside acknowledged ones', () => {
    // Prepare: two queues without a dead-letter queue, one of them acknowledged
    const app = new App({ outdir: tempOutdir() });
    Validations.of(app).addPlugins(new ControlTowerRules());
    const stack = new Stack(app, 'Queues');
    const acknowledged = new sqs.Queue(stack, 'Acknowledged', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    Validations.of(acknowledged).acknowledge({ id: `${CONTROL_TOWER_PLUGIN}::sqs_dlq_check`, reason: 'test' });
    new sqs.Queue(stack, 'NotAcknowledged', { encryption: sqs.QueueEncryption.SQS_MANAGED });

    // Act
    const message = (() => {
      try {
        app.synth();
        return 'synth succeeded';
      } catch (error) {
        return (error as Error).message;
      }
    })();

    // Assess
    expect(message).toMatch(/Queues\/NotAcknowledged\/Resource[\s\S]*cdk-validator-cfnguard::sqs_dlq_check/);
    expect(message).not.toContain('Queues/Acknowledged/');
  });
});
