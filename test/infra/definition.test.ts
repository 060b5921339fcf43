import { createRequire } from 'node:module';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { StateName } from '../../tasks/domain/constants.js';
import { resolveStateMachineDefinition, type AslDefinition, type AslState } from '../../infra/resolveDefinition.js';
import { TASK_HANDLERS } from '../../workflows/remediationWorkflow.js';
import { removeOutdirs, templatesFor, TEST_REGION } from './testApp.js';

// asl-validator ships CommonJS without type declarations.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const APPROVAL_TIMEOUT_HOURS = 12;

/** Every state, including those inside Parallel branches and Map processors, with its name. */
function allStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const branches = (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? [];
    const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, AslState> } | undefined;
    const nested = [...branches, ...(processor ? [processor] : [])].flatMap((b) => allStates(b.States));
    return [[name, state] as [string, AslState], ...nested];
  });
}

/** Every key anywhere in a JSON value. */
function allKeys(value: unknown): { key: string; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [{ key, value: v }, ...allKeys(v)]);
}

interface Retrier {
  ErrorEquals: string[];
  BackoffRate?: number;
  JitterStrategy?: string;
  MaxAttempts?: number;
}

describe('the synthesized remediation workflow', () => {
  let definition: AslDefinition;
  let tasks: [string, AslState][];

  beforeAll(() => {
    definition = resolveStateMachineDefinition(templatesFor({ approvalTimeoutHours: APPROVAL_TIMEOUT_HOURS, adminAccount: '111111111111' }).admin.toJSON(), undefined, {
      region: TEST_REGION,
      account: '111111111111',
    });
    tasks = allStates(definition.States).filter(([, state]) => state.Type === 'Task');
  });
  afterAll(removeOutdirs);

  it('resolves to plain ASL whose Lambda tasks name the rectify-<handler> functions (and whose other tasks publish with SNS)', () => {
    // Prepare
    const expected = TASK_HANDLERS.map((h) => `arn:aws:lambda:${TEST_REGION}:111111111111:function:rectify-${h}`).sort();
    const publishes = tasks.filter(([, state]) => state.Resource === 'arn:aws:states:::sns:publish');

    // Act
    const functions = tasks
      .filter(([, state]) => state.Resource !== 'arn:aws:states:::sns:publish')
      .map(([, state]) => String((state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource));

    // Assess
    expect(JSON.stringify(definition)).not.toMatch(/Fn::|"Ref"/);
    expect([...new Set(functions)].sort()).toEqual(expected);
    expect(publishes.map(([name]) => name).sort()).toEqual([StateName.NotifyEscalateFailed, StateName.NotifyEscalation]);
  });

  it('gives every Task a timeout, a retry with backoff and jitter, and a Catch', () => {
    // Prepare
    const problems: string[] = [];

    // Act
    for (const [name, state] of tasks) {
      const hasTimeout = typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > 0;
      if (!hasTimeout && state.TimeoutSecondsPath === undefined) problems.push(`${name}: no TimeoutSeconds`);
      const retry = (state.Retry as Retrier[] | undefined) ?? [];
      if (retry.length === 0) problems.push(`${name}: no Retry`);
      const throttling = state.Resource === 'arn:aws:states:::sns:publish' ? 'SNS.ThrottledException' : 'Lambda.TooManyRequestsException';
      if (!retry.some((r) => (r.BackoffRate ?? 1) > 1 && r.JitterStrategy === 'FULL' && r.ErrorEquals.includes(throttling))) {
        problems.push(`${name}: no retry of throttling with backoff and jitter`);
      }
      if (((state.Catch as unknown[] | undefined) ?? []).length === 0) problems.push(`${name}: no Catch`);
    }

    // Assess
    expect(tasks.length).toBeGreaterThanOrEqual(TASK_HANDLERS.length);
    expect(problems).toEqual([]);
  });

  it('bounds the approval wait (waitForTaskToken) by the configured timeout', () => {
    // Act
    const waits = tasks.filter(([, state]) => String(state.Resource).endsWith('.waitForTaskToken'));

    // Assess
    expect(waits.map(([name]) => name)).toEqual(['AwaitApproval']);
    expect(waits[0]?.[1].TimeoutSeconds).toBe(APPROVAL_TIMEOUT_HOURS * 3600);
    expect(definition.TimeoutSeconds).toBeGreaterThan(APPROVAL_TIMEOUT_HOURS * 3600);
  });

  it('uses only what the local runtime supports: JSONPath, no Assign, no heartbeats', () => {
    // Act
    const keys = allKeys(definition);

    // Assess
    expect(keys.filter((k) => k.key === 'QueryLanguage' && k.value === 'JSONata')).toEqual([]);
    expect(keys.filter((k) => k.key === 'Assign')).toEqual([]);
    expect(keys.filter((k) => k.key === 'HeartbeatSeconds' || k.key === 'HeartbeatSecondsPath')).toEqual([]);
    expect(JSON.stringify(definition)).not.toContain('$$.State');
  });

  it('passes asl-validator', () => {
    // Act
    const result = aslValidator(structuredClone(definition)); // it adds QueryLanguage to the states it is given

    // Assess
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });
});
