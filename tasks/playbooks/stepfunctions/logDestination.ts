import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { RemediationFailedError } from '../../domain/errors.js';
import type { CreatedResource } from '../createdResources.js';
import type { PlaybookContext } from '../definePlaybook.js';

/** The log group the playbook creates when the state machine has none, and what it costs. */
export const LOG_GROUP: CreatedResource = {
  type: 'AWS::Logs::LogGroup',
  monthlyCost: '< $1',
  costBasis: 'CloudWatch Logs ingestion ($0.50/GB) and storage of the execution history events; most state machines log well under 1 GB a month',
};

/**
 * What a role needs for Step Functions to deliver a state machine's logs to CloudWatch Logs
 * ("IAM policies for logging to CloudWatch Logs", Step Functions Developer Guide). The caller
 * configuring the logging needs the same (see test/permissions/sdkActions.ts).
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
] as const;

/** The log group Rectify would create for a state machine: the name the Step Functions console gives it. */
export const logGroupNameFor = (stateMachineName: string) => `/aws/vendedlogs/states/${stateMachineName}-Logs`;

/**
 * Refuse, before any change, a state machine whose role cannot deliver logs: IAM's policy
 * simulation of the role for {@link LOG_DELIVERY_ACTIONS}. Rectify does not edit a customer's
 * role; the message names the actions to grant.
 */
export async function requireLogDeliveryRole(ctx: PlaybookContext<unknown>, roleArn: string): Promise<void> {
  const { EvaluationResults = [] } = await ctx.aws
    .client(IAMClient)
    .send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [...LOG_DELIVERY_ACTIONS], ResourceArns: ['*'] }));
  const allowed = new Set(EvaluationResults.filter((r) => r.EvalDecision === 'allowed').map((r) => r.EvalActionName));
  const missing = LOG_DELIVERY_ACTIONS.filter((action) => !allowed.has(action));
  if (missing.length > 0) {
    throw new RemediationFailedError(
      `Cannot turn on logging for state machine ${ctx.resource.id} (finding ${ctx.request.findingId}): its role ${roleArn} is not allowed ` +
        `${missing.join(', ')}, which Step Functions needs to deliver logs to CloudWatch Logs. Rectify does not edit the state machine's role: ` +
        'grant these actions on "*" to the role, then run the remediation again. Nothing was changed.',
    );
  }
}
