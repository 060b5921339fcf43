import { CloudFormationClient, DescribeStacksCommand, UpdateTerminationProtectionCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type TerminationProtectionSnapshot = { terminationProtection: boolean };

/** The finding's stack, by its ARN (which names one stack, never a deleted namesake). Throws when it does not exist or was deleted. */
async function describeStack(ctx: PlaybookContext<unknown>): Promise<Stack> {
  const { Stacks = [] } = await ctx.aws.client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: ctx.resource.id }));
  const stack = Stacks.find((s) => s.StackId === ctx.resource.id && s.StackStatus !== 'DELETE_COMPLETE');
  if (!stack) throw new RemediationFailedError(`CloudFormation stack ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return stack;
}

async function setTerminationProtection(ctx: PlaybookContext<unknown>, enabled: boolean): Promise<void> {
  await ctx.aws
    .client(CloudFormationClient)
    .send(new UpdateTerminationProtectionCommand({ StackName: ctx.resource.id, EnableTerminationProtection: enabled }));
}

/** Why termination protection disrupts nothing: stated in every plan that changes the stack. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'the stack, its resources and its updates are unaffected; only DeleteStack is refused until someone turns protection off (a pipeline that deletes the stack must do so first)',
} as const;

/**
 * Turns on termination protection for a CloudFormation stack (CloudFormation.3,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudformation-controls.html#cloudformation-3;
 * AWS Config rule `cloudformation-termination-protection-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/cloudformation-termination-protection-check.html:
 * NON_COMPLIANT when the stack's `EnableTerminationProtection` is false). `verify` reads that
 * field. Updates and drift detection are unaffected; DeleteStack is refused until protection is
 * turned off. A nested stack takes its protection from its root stack and CloudFormation refuses
 * to set it directly: such a finding is refused before any change, naming the root stack.
 * Not emulated: moto 5.2.1 has no UpdateTerminationProtection (tested with aws-sdk-client-mock).
 */
export const enableTerminationProtection = definePlaybook<TerminationProtectionSnapshot, { description: string }>({
  id: 'cloudformation-enable-termination-protection',
  title: 'Turn on termination protection for a CloudFormation stack',
  controls: ['CloudFormation.3'],
  resourceType: 'AwsCloudFormationStack',
  impact: IMPACT.level,
  permissions: ['cloudformation:DescribeStacks', 'cloudformation:UpdateTerminationProtection'],
  notEmulated: 'moto 5.2.1 has no CloudFormation UpdateTerminationProtection',

  snapshot: async (ctx) => ({ terminationProtection: (await describeStack(ctx)).EnableTerminationProtection ?? false }),

  async plan(ctx, current) {
    const stack = await describeStack(ctx);
    if (current.terminationProtection) return { summary: `CloudFormation stack ${stack.StackName} has termination protection`, changes: [] };
    if (stack.RootId) {
      throw new RemediationFailedError(
        `Cannot turn on termination protection for CloudFormation stack ${ctx.resource.id} (finding ${ctx.request.findingId}): it is a nested stack, ` +
          `which takes its protection from its root stack ${stack.RootId}. Turn it on for the root stack. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Turn on termination protection for CloudFormation stack ${stack.StackName} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Set EnableTerminationProtection to true on CloudFormation stack ${ctx.resource.id}: DeleteStack is refused until it is turned off` }],
    };
  },

  async apply(ctx) {
    if (!((await describeStack(ctx)).EnableTerminationProtection ?? false)) await setTerminationProtection(ctx, true);
  },

  async verify(ctx) {
    const stack = await describeStack(ctx);
    const enabled = stack.EnableTerminationProtection ?? false;
    return { compliant: enabled, detail: `Termination protection of CloudFormation stack ${stack.StackName} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.terminationProtection && ((await describeStack(ctx)).EnableTerminationProtection ?? false)) await setTerminationProtection(ctx, false);
  },
});
