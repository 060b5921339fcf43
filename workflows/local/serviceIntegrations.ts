import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { runAs } from './callerContext.js';

/** The optimized integrations the workflow's Task states use besides Lambda, by resource ARN. */
const SNS_PUBLISH = /^arn:aws[\w-]*:states:::sns:publish$/;

/**
 * Step Functions' SNS integration run locally: the state's effective Parameters are the Publish
 * request, sent by the state machine's role (the permission proof holds it to that role's
 * policy), and a failure is named as Step Functions names it, `SNS.<exception>`, so the state's
 * Retry and Catch match as deployed. The result is what the service integration returns.
 */
async function snsPublish(parameters: unknown): Promise<unknown> {
  return runAs('stateMachine', async () => {
    try {
      const { MessageId, SequenceNumber } = await adminClient(SNSClient).send(new PublishCommand(parameters as PublishCommandInput));
      return { MessageId, ...(SequenceNumber ? { SequenceNumber } : {}) };
    } catch (error) {
      const failure = new Error((error as Error).message);
      failure.name = `SNS.${(error as Error).name}`;
      throw failure;
    }
  });
}

/** The local implementation of a Task's service integration, or undefined when the resource is not one (a Lambda function). */
export function serviceIntegration(resource: string): ((parameters: unknown) => Promise<unknown>) | undefined {
  return SNS_PUBLISH.test(resource) ? snsPublish : undefined;
}
