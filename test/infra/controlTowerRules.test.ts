import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { applicableRuleFiles, CONTROL_TOWER_PLUGIN, ControlTowerRules } from '../../infra/controlTowerRules.js';
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

  it('runs only the rules that name a resource type the templates hold, and always one that names none or picks types by a pattern', () => {
    // Prepare: four rule files, as the bundled ones are written
    const dir = mkdtempSync(join(tmpdir(), 'rectify-guard-rules-'));
    mkdirSync(join(dir, 'sqs'));
    const rule = (file: string, body: string) => writeFileSync(join(dir, file), body);
    rule('sqs/ct-sqs-pr-1.guard', 'let QUEUE_TYPE = "AWS::SQS::Queue"\nlet queues = Resources.*[ Type == %QUEUE_TYPE ]\n');
    rule('ct-ec2-pr-1.guard', 'let INSTANCE_TYPE = "AWS::EC2::Instance"\nlet instances = Resources.*[ Type == %INSTANCE_TYPE ]\n');
    rule('ct-any-1.guard', 'let all = Resources.*[ Type == /AWS::EC2::/ ]\n# also mentions AWS::EC2::Volume\n');
    rule('ct-none-1.guard', 'let all = Resources.*\n');

    // Act
    const files = applicableRuleFiles(new Set(['AWS::SQS::Queue', 'AWS::Lambda::Function']), dir).map((f) => f.slice(dir.length + 1));
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(files).toEqual(['ct-any-1.guard', 'ct-none-1.guard', 'sqs/ct-sqs-pr-1.guard']);
  });

  it('keeps every bundled rule whose header says it reports on a type the templates hold', () => {
    // Prepare: the resource types of Rectify's stacks, and of a few more services
    const types = new Set(['AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::ApiGateway::Stage', 'AWS::DynamoDB::Table', 'AWS::IAM::Role', 'AWS::S3::Bucket']);

    // Act
    const selected = new Set(applicableRuleFiles(types));

    // Assess: a rule that reports on one of them is never skipped, and most of the 237 are
    const reporting = rules.filter((r) => r.types.some((t) => types.has(t)));
    expect(reporting.length).toBeGreaterThan(20);
    expect(reporting.filter((r) => !selected.has(r.file)).map((r) => r.name)).toEqual([]);
    expect(selected.size).toBeLessThan(rules.length / 2);
  });

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
