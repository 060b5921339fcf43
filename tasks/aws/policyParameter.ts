import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parsePolicy, type Policy } from '../domain/policy.js';
import { adminClient } from './clientFactory.js';

/**
 * Read the policy parameter. Any failure throws: the workflow fails closed. A module of its own so
 * that the approval endpoint reads the kill switch without bundling LoadPolicy.
 */
export async function readPolicy(parameterName: string): Promise<Policy> {
  const response = await adminClient(SSMClient).send(new GetParameterCommand({ Name: parameterName }));
  const value = response.Parameter?.Value;
  if (value === undefined) throw new Error(`policy parameter ${parameterName} has no value`);
  return parsePolicy(value);
}
