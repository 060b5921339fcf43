import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../tasks/aws/clientFactory.js';
import type { Mode } from '../../tasks/domain/constants.js';
import { parsePolicy, PolicySchema, type Policy } from '../../tasks/domain/policy.js';
import { localAwsEnv } from './awsEnv.js';
import { LOCAL_NAMES } from './provision.js';
import type { Scenario } from './scenario.js';

/** The policy a scenario runs with, and where it came from, in words for the output. */
export interface RunPolicy {
  readonly policy: Policy;
  readonly source: 'scenario' | 'endpoint' | 'default';
  readonly description: string;
}

/** The policy stored at a moto endpoint, or undefined when nothing has provisioned Rectify there. */
async function storedPolicy(endpoint: string): Promise<Policy | undefined> {
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const ssm = new SSMClient(clientConfig(SSMClient, 'us-east-1', credentials, localAwsEnv(endpoint)));
  try {
    const value = (await ssm.send(new GetParameterCommand({ Name: LOCAL_NAMES.policyParameter }))).Parameter?.Value;
    return value === undefined ? undefined : parsePolicy(value);
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  } finally {
    ssm.destroy();
  }
}

/**
 * The policy for one run. By default the scenario's (its `policy` and `mode`, over the defaults).
 * With `keepEndpointPolicy`, a policy already stored at the endpoint is kept — per-control settings
 * made with `rectify mode set` survive — and only the fields the scenario or `--mode` name replace
 * its own.
 */
export async function policyForRun(scenario: Scenario, options: { endpoint?: string; mode?: Mode; keepEndpointPolicy?: boolean }): Promise<RunPolicy> {
  const mode = options.mode ?? scenario.mode;
  const overrides: Record<string, unknown> = { ...scenario.policy, ...(mode ? { mode } : {}) };
  const words = (policy: Policy) => Object.keys(overrides).map((key) => (key === 'mode' ? `mode ${policy.mode}` : key)).join(', ');
  const stored = options.endpoint && options.keepEndpointPolicy ? await storedPolicy(options.endpoint) : undefined;
  if (stored) {
    const policy = PolicySchema.parse({ ...stored, ...overrides });
    const kept = `the endpoint's ${LOCAL_NAMES.policyParameter} (kept)`;
    return { policy, source: 'endpoint', description: Object.keys(overrides).length ? `${kept}, with the scenario's ${words(policy)}` : kept };
  }
  const policy = PolicySchema.parse(overrides);
  if (Object.keys(overrides).length === 0) return { policy, source: 'default', description: `the default (mode ${policy.mode}; the scenario sets none)` };
  return { policy, source: 'scenario', description: `the scenario's (${words(policy)})` };
}
