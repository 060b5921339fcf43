import { localAwsEnv } from '../workflows/local/awsEnv.js';
import { LOCAL_NAMES } from '../workflows/local/provision.js';
import { setErrorContext, UsageError } from './errors.js';

export interface TargetOptions {
  readonly endpoint?: string;
  readonly table?: string;
  readonly parameter?: string;
  readonly region?: string;
}

/**
 * Where an operator command acts: a local moto endpoint (the sandbox's names), or a deployed
 * stack through the usual AWS credentials (pass the stack's TableName output with --table).
 */
export function resolveTarget(options: TargetOptions): { table: string; parameter: string } {
  if (options.endpoint) Object.assign(process.env, localAwsEnv(options.endpoint, options.region));
  else if (options.region) process.env.AWS_REGION = options.region;
  const table = options.table ?? process.env.RECTIFY_TABLE_NAME ?? (options.endpoint ? LOCAL_NAMES.table : undefined);
  if (!table) throw new UsageError('which table? pass --table (the RectifyAdmin stack output TableName) or --endpoint for a local moto');
  const parameter = options.parameter ?? process.env.RECTIFY_POLICY_PARAMETER ?? LOCAL_NAMES.policyParameter;
  setErrorContext({ ...(options.endpoint ? { endpoint: options.endpoint } : {}), table, parameter });
  return { table, parameter };
}

/** Commander option definitions shared by the operator commands. */
export const TARGET_OPTIONS: [string, string][] = [
  ['--endpoint <url>', 'a local moto endpoint (as used by the sandbox and `simulate --endpoint`)'],
  ['--table <name>', 'the Rectify table (stack output TableName)'],
  ['--parameter <name>', 'the policy parameter (default /rectify/policy)'],
  ['--region <region>', 'AWS region of the deployment'],
];
