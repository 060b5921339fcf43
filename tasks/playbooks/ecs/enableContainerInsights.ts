import { DescribeClustersCommand, ECSClient, UpdateClusterCommand } from '@aws-sdk/client-ecs';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** Container Insights values that pass ECS.12: `enhanced` is Container Insights with extra, finer metrics. */
const ON: readonly string[] = ['enabled', 'enhanced'];

type ContainerInsightsSnapshot = { containerInsights: string };

/** The cluster's `containerInsights` setting (`disabled` when ECS reports none). Throws when the cluster does not exist. */
async function containerInsights(ctx: PlaybookContext<unknown>): Promise<string> {
  const { clusters = [] } = await ctx.aws.client(ECSClient).send(new DescribeClustersCommand({ clusters: [ctx.resource.id], include: ['SETTINGS'] }));
  const cluster = clusters.find((c) => c.clusterArn === ctx.resource.id && c.status !== 'INACTIVE');
  if (!cluster) throw new RemediationFailedError(`ECS cluster ${ctx.resource.id} was not found (finding ${ctx.request.findingId})`);
  return cluster.settings?.find((s) => s.name === 'containerInsights')?.value ?? 'disabled';
}

/** Set Container Insights and nothing else: `containerInsights` is the only cluster setting ECS has. */
async function setContainerInsights(ctx: PlaybookContext<unknown>, value: string): Promise<void> {
  await ctx.aws.client(ECSClient).send(new UpdateClusterCommand({ cluster: ctx.resource.id, settings: [{ name: 'containerInsights', value }] }));
}

/** Why Container Insights is disruptive: stated in every plan that changes the cluster. */
const IMPACT = {
  level: 'disruptive',
  why:
    'it adds cost: Container Insights publishes CloudWatch custom metrics per cluster, service and task and writes performance log events, ' +
    'billed by CloudWatch; running tasks and services are not restarted',
} as const;

/**
 * Turns on CloudWatch Container Insights for an ECS cluster (ECS.12,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-12; AWS Config
 * rule `ecs-container-insights-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ecs-container-insights-enabled.html:
 * NON_COMPLIANT when Container Insights is not enabled). `verify` reads the cluster's
 * `containerInsights` setting and passes `enabled` and `enhanced` (Container Insights with finer
 * metrics, which a cluster set that way keeps). Tasks keep running; the metrics and performance
 * logs it publishes are billed by CloudWatch, so every plan is disruptive and says so.
 * Capacity providers, Service Connect defaults and execute-command configuration stay as they are.
 */
export const enableContainerInsights = definePlaybook<ContainerInsightsSnapshot, { description: string }>({
  id: 'ecs-enable-container-insights',
  title: 'Turn on CloudWatch Container Insights for an ECS cluster',
  controls: ['ECS.12'],
  resourceType: 'AwsEcsCluster',
  impact: IMPACT.level,
  permissions: ['ecs:DescribeClusters', 'ecs:UpdateCluster'],

  snapshot: async (ctx) => ({ containerInsights: await containerInsights(ctx) }),

  plan(ctx, current) {
    if (ON.includes(current.containerInsights)) return { summary: `ECS cluster ${ctx.resource.name} has Container Insights ${current.containerInsights}`, changes: [] };
    return {
      summary: `Turn on Container Insights for ECS cluster ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Set containerInsights to enabled on ECS cluster ${ctx.resource.id} (now ${current.containerInsights}): CloudWatch custom metrics ` +
            'and performance log events are billed from then on',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!ON.includes(await containerInsights(ctx))) await setContainerInsights(ctx, 'enabled');
  },

  async verify(ctx) {
    const value = await containerInsights(ctx);
    return { compliant: ON.includes(value), detail: `Container Insights of ECS cluster ${ctx.resource.name} is ${value}` };
  },

  async rollback(ctx, snapshot) {
    if ((await containerInsights(ctx)) !== snapshot.containerInsights) await setContainerInsights(ctx, snapshot.containerInsights);
  },
});
