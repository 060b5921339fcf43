import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GetResourcesCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateStageCommand,
  type PatchOperation,
  type Stage,
} from '@aws-sdk/client-api-gateway';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import type { Playbook } from '../../../tasks/playbooks/definePlaybook.js';
import { requestFor } from '../../support/request.js';

/** A JSON Patch operation on a stage, as the tests write them (`op` as plain text). */
export type StagePatch = { readonly op: string; readonly path: string; readonly value?: string };

export interface StageRef {
  readonly restApiId: string;
  readonly stageName: string;
  readonly arn: string;
}

/** A REST API with one mocked GET method, deployed, and its stages `prod` and `test`, each patched as given. */
export async function createStages(clients: AwsClients, patches: { prod?: readonly StagePatch[]; test?: readonly StagePatch[] } = {}): Promise<{ prod: StageRef; test: StageRef }> {
  const apigateway = clients.client(APIGatewayClient);
  const { id: restApiId } = await apigateway.send(new CreateRestApiCommand({ name: `orders-${crypto.randomUUID().slice(0, 8)}` }));
  const { items = [] } = await apigateway.send(new GetResourcesCommand({ restApiId }));
  const root = items.find((r) => r.path === '/')!.id!;
  await apigateway.send(new PutMethodCommand({ restApiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
  await apigateway.send(new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }));
  const { id: deploymentId } = await apigateway.send(new CreateDeploymentCommand({ restApiId }));
  const refs = {} as { prod: StageRef; test: StageRef };
  for (const stageName of ['prod', 'test'] as const) {
    await apigateway.send(new CreateStageCommand({ restApiId, stageName, deploymentId, variables: { backend: 'orders' }, tags: { team: 'orders' } }));
    const patch = patches[stageName] ?? [];
    if (patch.length > 0) await apigateway.send(new UpdateStageCommand({ restApiId, stageName, patchOperations: patch as PatchOperation[] }));
    refs[stageName] = { restApiId: restApiId!, stageName, arn: `arn:aws:apigateway:${clients.region}::/restapis/${restApiId}/stages/${stageName}` };
  }
  return refs;
}

/** The stage as API Gateway describes it, without the update time that moves on every patch. */
export async function stageOf(clients: AwsClients, ref: StageRef): Promise<Stage> {
  const { $metadata: _metadata, lastUpdatedDate: _updated, ...stage } = await clients.client(APIGatewayClient).send(new GetStageCommand(ref));
  return stage;
}

/** A playbook context for a stage finding of `controlId`. */
export function stageContext(playbook: Playbook, clients: AwsClients, ref: StageRef, controlId: string, options: { settings?: unknown; controlParameters?: Record<string, string[]> } = {}) {
  const request = requestFor({ resourceType: 'AwsApiGatewayStage', resourceId: ref.arn, controlId, ...(options.controlParameters ? { controlParameters: options.controlParameters } : {}) });
  return createPlaybookContext(playbook, request, clients, options.settings);
}
