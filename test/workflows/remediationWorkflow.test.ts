import { describe, expect, it } from 'vitest';
import { StateName } from '../../tasks/domain/constants.js';
import { buildLocalDefinition } from '../../workflows/local/definition.js';
import { validateAsl } from '../support/aslValidator.js';

type State = Record<string, unknown> & { Type: string };

describe('the remediation workflow definition', () => {
  // Prepare (once: building the definition is the expensive part)
  const definition = buildLocalDefinition({ account: '123456789012', region: 'us-east-1' });
  const states = definition.States as Record<string, State>;
  const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');

  it('passes asl-validator', () => {
    const result = validateAsl(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('stays on JSONPath with nothing the local engine lacks: no JSONata, Assign, HeartbeatSeconds or $$.State', () => {
    const text = JSON.stringify(definition);
    expect(text).not.toContain('JSONata');
    expect(text).not.toContain('"QueryLanguage"');
    expect(text).not.toContain('"Assign"');
    expect(text).not.toContain('"Arguments"');
    expect(text).not.toContain('HeartbeatSeconds');
    expect(text).not.toContain('$$.State');
  });

  it('gives every Task a timeout, a retry with backoff and full jitter on throttling, and a catch', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(15);
    for (const [name, task] of tasks) {
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
      const retries = task.Retry as { ErrorEquals: string[]; BackoffRate: number; JitterStrategy: string }[];
      // Our functions say Throttled; SNS (the NotifyEscalation states' integration) says SNS.ThrottledException.
      const throttled = task.Resource === 'arn:aws:states:::sns:publish' ? 'SNS.ThrottledException' : 'Throttled';
      const throttling = retries.find((r) => r.ErrorEquals.includes(throttled));
      expect(throttling, `${name} retries ${throttled}`).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
      expect((task.Catch as unknown[]).length, `${name} has a Catch`).toBeGreaterThan(0);
    }
  });

  it('publishes the escalation email with the SNS integration to the escalations topic substitution, and still when Escalate fails', () => {
    // Prepare
    const notify = states[StateName.NotifyEscalation]!;
    const fallback = states[StateName.NotifyEscalateFailed]!;

    // Assess: Escalate → NotifyEscalation → route; Escalate's failure → NotifyEscalateFailed → route; a failed email still ends at the route
    expect(states[StateName.Escalate]).toMatchObject({ Next: StateName.NotifyEscalation, Catch: [{ ErrorEquals: ['States.ALL'], Next: StateName.NotifyEscalateFailed }] });
    for (const state of [notify, fallback]) {
      expect(state).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', Next: StateName.EscalationRoute, ResultPath: null });
      expect((state.Parameters as Record<string, unknown>).TopicArn).toBe('${EscalationsTopicArn}');
      expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: StateName.EscalationRoute }]);
    }
    expect(notify.Parameters).toMatchObject({ 'Subject.$': '$.escalation.notification.subject', 'Message.$': '$.escalation.notification.message' });
    expect((fallback.Parameters as Record<string, string>)['Message.$']).toMatch(/^States\.Format\('.*', \$\.escalation\.outcome, \$\$\.Execution\.Name, \$\.escalation\.reason, \$\.escalateError\.Error, \$\.escalateError\.Cause\)$/);
  });

  it('bounds the approval wait and sends its timeout to escalation', () => {
    const approval = states[StateName.AwaitApproval]!;
    expect(approval.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(approval.TimeoutSeconds).toBe(86_400);
    expect(approval.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: StateName.MarkApprovalTimedOut }));
    expect(definition.TimeoutSeconds).toBeGreaterThan(86_400);
  });

  it('names every state from the shared StateName constants, and reaches each of them', () => {
    const names = Object.values(StateName) as string[];
    expect(Object.keys(states).sort()).toEqual([...names].sort());
  });

  it('renders the same definition as before (the console graph users learn)', () => {
    const shape = Object.fromEntries(
      Object.entries(states).map(([name, s]) => [
        name,
        { Type: s.Type, Next: s.Next, Choices: (s.Choices as { Next: string }[] | undefined)?.map((c) => c.Next), Default: s.Default, Catch: (s.Catch as { ErrorEquals: string[]; Next: string }[] | undefined)?.map((c) => `${c.ErrorEquals.join('|')}→${c.Next}`) },
      ]),
    );
    expect({ StartAt: definition.StartAt, states: shape }).toMatchSnapshot();
  });
});
