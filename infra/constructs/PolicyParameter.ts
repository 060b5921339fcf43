import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { Policy } from '../../tasks/domain/policy.js';
import { POLICY_PARAMETER_NAME } from '../names.js';

/** Standard-tier parameters hold at most 4 KB. */
const STANDARD_TIER_LIMIT = 4096;

export interface PolicyParameterProps {
  /** The initial policy, written as JSON. */
  readonly policy: Policy;
  /**
   * @default POLICY_PARAMETER_NAME ('/rectify/policy')
   */
  readonly parameterName?: string;
}

/**
 * The operator's policy (mode, per-control settings, ...) in SSM Parameter Store, read by
 * LoadPolicy on every execution. The stack writes the initial value; operators change it in
 * SSM without a deploy. A deploy rewrites it only when the configured policy itself changes.
 */
export class PolicyParameter extends Construct {
  readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: PolicyParameterProps) {
    super(scope, id);
    const value = JSON.stringify(props.policy);
    if (Buffer.byteLength(value) > STANDARD_TIER_LIMIT) {
      throw new Error(
        `the configured policy is ${Buffer.byteLength(value)} bytes as JSON, over the ${STANDARD_TIER_LIMIT}-byte limit of a ` +
          'standard SSM parameter: shorten rectify.policy in cdk.json',
      );
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName ?? POLICY_PARAMETER_NAME,
      description: 'Rectify policy (JSON): mode, per-control settings, allow lists, risk matrix. Read on every execution.',
      stringValue: value,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}
