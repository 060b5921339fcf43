import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/** Tags of a REST API stage (`apigateway:GET` on the stage; a missing stage answers NotFoundException). */
export const readStageTags: ReadTags = async (aws, { arn }) => {
  const match = /:\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(arn);
  if (!match) throw new ResourceNotFoundForTagsError(arn);
  const stage = await aws.client(APIGatewayClient).send(new GetStageCommand({ restApiId: match[1], stageName: match[2] }));
  return { ...(stage.tags ?? {}) };
};
