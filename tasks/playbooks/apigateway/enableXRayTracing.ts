import { definePlaybook } from '../definePlaybook.js';
import { getStage, patchStage, stageLabel, STAGE_PERMISSIONS } from './restApiStage.js';

type XRayTracingSnapshot = { tracingEnabled: boolean };

/** Why X-Ray tracing is disruptive: stated in every plan that changes the stage. */
const IMPACT = {
  level: 'disruptive',
  why:
    'it adds cost: API Gateway records a trace for sampled requests (by default the first each second and 5% of the rest), billed by AWS X-Ray ' +
    'per trace recorded and retrieved; requests and responses are unchanged',
} as const;

/**
 * Turns on AWS X-Ray active tracing for a REST API stage (APIGateway.3,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-3;
 * AWS Config rule `api-gw-xray-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/api-gw-xray-enabled.html:
 * NON_COMPLIANT when the stage's `tracingEnabled` is false). `verify` reads that field. The
 * sampled traces are billed by X-Ray, so every plan is disruptive and says so. Logging, caching,
 * throttling and stage variables stay as they are; the stage needs no redeployment.
 */
export const enableXRayTracing = definePlaybook<XRayTracingSnapshot, { description: string }>({
  id: 'apigateway-enable-xray-tracing',
  title: 'Turn on AWS X-Ray tracing for an API Gateway REST API stage',
  controls: ['APIGateway.3'],
  resourceType: 'AwsApiGatewayStage',
  impact: IMPACT.level,
  permissions: [...STAGE_PERMISSIONS],

  snapshot: async (ctx) => ({ tracingEnabled: (await getStage(ctx)).tracingEnabled ?? false }),

  plan(ctx, current) {
    if (current.tracingEnabled) return { summary: `REST API stage ${stageLabel(ctx)} has X-Ray tracing`, changes: [] };
    return {
      summary: `Turn on X-Ray tracing for REST API stage ${stageLabel(ctx)} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Set tracingEnabled to true on REST API stage ${ctx.resource.id}: sampled requests are traced and billed by AWS X-Ray` }],
    };
  },

  async apply(ctx) {
    if (!((await getStage(ctx)).tracingEnabled ?? false)) await patchStage(ctx, [{ op: 'replace', path: '/tracingEnabled', value: 'true' }]);
  },

  async verify(ctx) {
    const tracing = (await getStage(ctx)).tracingEnabled ?? false;
    return { compliant: tracing, detail: `X-Ray tracing of REST API stage ${stageLabel(ctx)} is ${tracing ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.tracingEnabled && ((await getStage(ctx)).tracingEnabled ?? false)) await patchStage(ctx, [{ op: 'replace', path: '/tracingEnabled', value: 'false' }]);
  },
});
