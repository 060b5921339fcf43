import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../tasks/observability.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { loadScenario, runScenario, type ScenarioResult } from '../../workflows/local/scenario.js';
import { removeOutdirs, templatesFor } from '../infra/testApp.js';
import { useMoto } from '../support/moto.js';

/**
 * Task tokens and link signatures are bearer credentials for a decision: they go to the table
 * and the approver's email, and nowhere else (docs/approvals.md, "What is kept where").
 */
const SCENARIOS = [
  path.resolve(import.meta.dirname, '../../scenarios/approved.json'),
  path.resolve(import.meta.dirname, '../../scenarios/rejected.json'),
  path.resolve(import.meta.dirname, 'approval-plan-changed.scenario.json'),
];

interface Run {
  readonly result: ScenarioResult;
  /** Everything the process wrote to stdout and stderr during the run: every task's log lines at DEBUG. */
  readonly logs: string;
}

describe('no task token and no link signature in logs, traces, audit or notes', () => {
  const aws = useMoto();
  const runs: Run[] = [];
  const tokens = new Set<string>();
  const signatures = new Set<string>();

  const savedLevel = process.env.RECTIFY_LOG_LEVEL;
  beforeAll(async () => {
    // Every task's log lines, at the most verbose level (the local runtime is quiet unless asked).
    process.env.RECTIFY_LOG_LEVEL = 'DEBUG';
    for (const file of SCENARIOS) {
      await aws.moto.reset();
      const lines: string[] = [];
      const capture = (chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      };
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      let result: ScenarioResult;
      try {
        result = await runScenario(loadScenario(file), { endpoint: aws.endpoint });
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
      runs.push({ result, logs: lines.join('') });
      // The secrets themselves: the tokens the approvals stored, the signatures the emails carried.
      for (const table of ((await callAws({ service: 'DynamoDB', command: 'ListTables', params: {} })).TableNames as string[]) ?? []) {
        const items = (await callAws({ service: 'DynamoDB', command: 'Scan', params: { TableName: table } })).Items as Record<string, { S?: string }>[];
        for (const item of items) if (item.taskToken?.S) tokens.add(item.taskToken.S);
      }
      for (const email of result.notifications.filter((n) => n.topic === 'approvals')) {
        for (const match of email.body.matchAll(/[?&]sig=([A-Za-z0-9_-]+)/g)) signatures.add(match[1]!);
      }
    }
  }, 180_000);
  afterAll(() => {
    if (savedLevel === undefined) delete process.env.RECTIFY_LOG_LEVEL;
    else process.env.RECTIFY_LOG_LEVEL = savedLevel;
    logger.setLogLevel('SILENT');
  });

  it('found the secrets to look for (one token and one signature per approval request)', () => {
    // Assess: approved, rejected, and the plan-changed run's two requests.
    expect(tokens.size).toBeGreaterThanOrEqual(4);
    expect(signatures.size).toBe(4);
    expect(runs.every((r) => r.logs.includes('"task":"AwaitApproval"'))).toBe(true);
  });

  it('none of them is in a log line, a trace, the audit trail, the finding notes or an escalation', () => {
    for (const { result, logs } of runs) {
      const places = {
        logs,
        trace: JSON.stringify(result.trace),
        audit: JSON.stringify(result.audit),
        notes: JSON.stringify(result.finding),
        escalations: JSON.stringify(result.notifications.filter((n) => n.topic !== 'approvals')),
      };
      for (const [place, text] of Object.entries(places)) {
        for (const token of tokens) expect(text.includes(token), `task token in ${place} of ${result.scenario}`).toBe(false);
        for (const sig of signatures) expect(text.includes(sig), `link signature in ${place} of ${result.scenario}`).toBe(false);
      }
    }
  });
});

describe('what the deployment logs and traces (cdk synth)', () => {
  let resources: Record<string, { Type: string; Properties: Record<string, any> }> = {};
  beforeAll(() => {
    resources = templatesFor().admin.toJSON().Resources;
  });
  afterAll(() => removeOutdirs());
  const template = () => ({ Resources: resources });

  it('logs every state machine event without its data (AwaitApproval\'s parameters hold the token)', () => {
    // Act
    const machine = Object.values(template().Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    // Assess
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('does not trace the approval stage (its trace would record the URL with the signature)', () => {
    const stage = Object.values(template().Resources).find((r) => r.Type === 'AWS::ApiGateway::Stage')!;
    expect(stage.Properties.TracingEnabled).toBe(false);
  });

  it('denies reading the signing key to everyone but the two approval functions', () => {
    // Prepare
    const resources = template().Resources;
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy')!;
    // Assess
    const statement = policy.Properties.ResourcePolicy.Statement[0];
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue' });
    const allowed = statement.Condition.StringNotEquals['aws:PrincipalArn'] as { 'Fn::GetAtt': [string, string] }[];
    expect(allowed).toHaveLength(2);
    const roleIds = allowed.map((a) => a['Fn::GetAtt'][0]).sort();
    expect(roleIds.some((id) => /ApprovalEndpoint/.test(id))).toBe(true);
    expect(roleIds.some((id) => /RequestApproval/i.test(id))).toBe(true);
  });
});
