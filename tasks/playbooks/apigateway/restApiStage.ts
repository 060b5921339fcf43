import { APIGatewayClient, GetStageCommand, UpdateStageCommand, type PatchOperation, type Stage } from '@aws-sdk/client-api-gateway';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * The IAM actions of {@link getStage} and {@link patchStage}: API Gateway authorizes its REST
 * management API by HTTP method on the resource path (`GET`/`PATCH` on
 * `arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`), not by operation name.
 */
export const STAGE_PERMISSIONS = ['apigateway:GET', 'apigateway:PATCH'] as const;

/** The REST API and stage a finding names: `arn:aws:apigateway:<region>::/restapis/<restApiId>/stages/<stageName>`. */
export function stageOf(ctx: PlaybookContext<unknown>): { restApiId: string; stageName: string } {
  const match = /:\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(ctx.resource.id);
  if (!match) throw new RemediationFailedError(`${ctx.resource.id} is not an API Gateway REST API stage ARN (finding ${ctx.request.findingId}); Rectify changed nothing`);
  return { restApiId: match[1]!, stageName: match[2]! };
}

/** A readable name for the stage in plans: `<restApiId>/<stageName>`. */
export const stageLabel = (ctx: PlaybookContext<unknown>) => Object.values(stageOf(ctx)).join('/');

/** The stage as API Gateway describes it. Throws NotFoundException when the API or the stage does not exist. */
export async function getStage(ctx: PlaybookContext<unknown>): Promise<Stage> {
  return ctx.aws.client(APIGatewayClient).send(new GetStageCommand(stageOf(ctx)));
}

/** Apply JSON Patch operations to the stage (UpdateStage); nothing is sent for an empty list. */
export async function patchStage(ctx: PlaybookContext<unknown>, patchOperations: PatchOperation[]): Promise<void> {
  if (patchOperations.length === 0) return;
  await ctx.aws.client(APIGatewayClient).send(new UpdateStageCommand({ ...stageOf(ctx), patchOperations }));
}

/**
 * The stage's method settings by key (`*\/*` for the whole stage, `~1pets/GET` for one method: the
 * resource path with `/` escaped as `~1`, then the HTTP method), as patch paths name them.
 */
export const methodSettingsOf = (stage: Stage) => stage.methodSettings ?? {};
