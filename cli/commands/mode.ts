import { UsageError } from '../errors.js';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { cancelPendingApprovals } from '../../tasks/approval/cancelPending.js';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { CONTROL_SETTINGS, Mode, MODES, type ControlSetting } from '../../tasks/domain/constants.js';
import { normaliseControlId } from '../../tasks/domain/controlIds.js';
import { parsePolicy, PolicySchema, type Policy } from '../../tasks/domain/policy.js';
import { listBreakers, resetBreaker } from '../../tasks/store/guardrails.js';
import { table } from '../format.js';
import { resolveTarget, type TargetOptions } from '../target.js';

async function readPolicyAt(parameter: string): Promise<Policy> {
  const response = await adminClient(SSMClient).send(new GetParameterCommand({ Name: parameter }));
  return parsePolicy(response.Parameter?.Value ?? '{}');
}

export async function modeGetCommand(options: TargetOptions & { json?: boolean }): Promise<void> {
  const target = resolveTarget(options);
  const policy = await readPolicyAt(target.parameter);
  const breakers = await listBreakers(target.table);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ mode: policy.mode, controls: policy.controls, breakers }, null, 2)}\n`);
    return;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`mode: ${policy.mode}`);
  const controls = Object.entries(policy.controls);
  out(controls.length ? table([['CONTROL', 'SETTING'], ...controls.map(([c, s]) => [c, s])]) : 'controls: all auto (no per-control settings)');
  out(breakers.length ? table([['BREAKER', 'STATE', 'RECENT', 'OPENED'], ...breakers.map((b) => [b.scope, b.state, b.recent.join(''), b.openedAt ?? ''])]) : 'circuit breakers: none recorded (closed)');
}

export async function modeSetCommand(value: string, options: TargetOptions & { control?: string }): Promise<void> {
  // Checked before anything is read or written: a typo stores nothing.
  const control = options.control === undefined ? undefined : normaliseControlId(options.control);
  if (control !== undefined && !(CONTROL_SETTINGS as readonly string[]).includes(value)) throw new UsageError(`a control setting is one of ${CONTROL_SETTINGS.join(', ')}, not "${value}"`);
  if (control === undefined && !(MODES as readonly string[]).includes(value)) throw new UsageError(`mode is one of ${MODES.join(', ')}, not "${value}"`);
  const target = resolveTarget(options);
  const policy = await readPolicyAt(target.parameter);
  let next: Policy;
  if (control !== undefined) {
    // A hand-edited key in another case (`ec2.19`) also applies to the control: replace it, or the stricter would still win.
    const others = Object.entries(policy.controls).filter(([key]) => key.toLowerCase() !== control.toLowerCase());
    next = PolicySchema.parse({ ...policy, controls: { ...Object.fromEntries(others), [control]: value as ControlSetting } });
  } else {
    next = PolicySchema.parse({ ...policy, mode: value as Mode });
  }
  await adminClient(SSMClient).send(new PutParameterCommand({ Name: target.parameter, Value: JSON.stringify(next), Type: 'String', Overwrite: true }));
  process.stdout.write(`${control !== undefined ? `control ${control}` : 'mode'} set to ${value}; executions starting from now use it\n`);
  if (control === undefined && value === Mode.OFF) {
    // The kill switch also cancels the requests that wait for a person (each change re-checks the mode anyway).
    const { cancelled, unreachable } = await cancelPendingApprovals(target.table);
    process.stdout.write(`${cancelled.length} waiting approval request${cancelled.length === 1 ? '' : 's'} cancelled; their executions end without a change\n`);
    if (unreachable.length > 0) {
      process.stdout.write(
        `${unreachable.length} closed, but their executions could not be told (${unreachable[0]!.error}); they end at their timeout and change nothing (the change re-checks the mode)\n`,
      );
    }
  }
}

export async function resetBreakerCommand(scope: string, options: TargetOptions): Promise<void> {
  if (scope !== 'global' && !/^\d{12}$/.test(scope)) throw new UsageError(`a breaker scope is a 12-digit account id or "global", not "${scope}"`);
  const target = resolveTarget(options);
  const breakers = await listBreakers(target.table);
  if (!breakers.some((b) => b.scope === scope)) {
    const recorded = breakers.map((b) => `${b.scope} (${b.state})`).join(', ');
    throw new UsageError(`no circuit breaker ${scope} is recorded, so there is nothing to reset; ${recorded ? `recorded: ${recorded}` : 'none is recorded'}`);
  }
  await resetBreaker(target.table, scope);
  process.stdout.write(`circuit breaker ${scope} reset (closed, history cleared)\n`);
}
