import * as z from 'zod';
import { definePlaybook } from '../definePlaybook.js';
import { ATTRIBUTE_PERMISSIONS, readAttribute, requireApplicationLoadBalancer, writeAttribute } from './loadBalancerAttributes.js';

const KEY = 'routing.http.desync_mitigation_mode';
/** The modes ELB.12 passes (its rule's `desyncMode` parameter: defensive, strictest). */
const COMPLIANT_MODES: readonly string[] = ['defensive', 'strictest'];

const Settings = z.object({
  /**
   * The mode a non-compliant load balancer is set to. Both pass ELB.12; `strictest` also rejects
   * requests that are merely ambiguous, so more clients can be refused. @default 'defensive' (the
   * mode Elastic Load Balancing gives a new load balancer)
   */
  mode: z.enum(['defensive', 'strictest']).default('defensive'),
});
type Settings = z.infer<typeof Settings>;
type DesyncSnapshot = { desyncMitigationMode: string };

/**
 * Sets an Application Load Balancer's HTTP desync mitigation mode to `defensive` (or `strictest`,
 * by setting) when it is `monitor` (ELB.12,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-12; AWS Config
 * rule `alb-desync-mode-check` with `desyncMode` defensive, strictest,
 * https://docs.aws.amazon.com/config/latest/developerguide/alb-desync-mode-check.html).
 * `verify` passes exactly those two modes. Out of `monitor`, the load balancer blocks requests
 * it classifies as a severe desync risk (and `strictest` every non-compliant one), which some
 * clients may send today: every plan is disruptive and waits for a person. Network and Gateway
 * Load Balancers have no such attribute and are refused before any change.
 */
export const setDesyncMitigationMode = definePlaybook<DesyncSnapshot, { description: string }, Settings>({
  id: 'elbv2-set-desync-mitigation-mode',
  title: 'Set an Application Load Balancer to defensive or strictest desync mitigation',
  controls: ['ELB.12'],
  resourceType: 'AwsElbv2LoadBalancer',
  impact: 'disruptive',
  permissions: [...ATTRIBUTE_PERMISSIONS],
  settings: Settings,

  snapshot: async (ctx) => ({ desyncMitigationMode: await readAttribute(ctx, KEY) }),

  plan(ctx, current) {
    if (COMPLIANT_MODES.includes(current.desyncMitigationMode)) {
      return { summary: `Application Load Balancer ${ctx.resource.id} uses ${current.desyncMitigationMode} desync mitigation`, changes: [] };
    }
    requireApplicationLoadBalancer(ctx, 'ELB.12');
    const why =
      `the load balancer now only monitors ambiguous requests (${current.desyncMitigationMode}); in ${ctx.settings.mode} mode it blocks ` +
      `${ctx.settings.mode === 'strictest' ? 'every request that does not comply with RFC 7230' : 'requests it classifies as a severe desync risk'}, ` +
      'which clients may be sending today, and Rectify cannot see whether any do';
    return {
      summary: `Set the desync mitigation mode of Application Load Balancer ${ctx.resource.id} to ${ctx.settings.mode} (disruptive: ${why})`,
      impact: { level: 'disruptive', why },
      changes: [{ description: `Set ${KEY} from ${current.desyncMitigationMode} to ${ctx.settings.mode} on Application Load Balancer ${ctx.resource.id}` }],
    };
  },

  async apply(ctx) {
    requireApplicationLoadBalancer(ctx, 'ELB.12');
    // A load balancer someone already moved to a compliant mode keeps it.
    if (!COMPLIANT_MODES.includes(await readAttribute(ctx, KEY))) await writeAttribute(ctx, KEY, ctx.settings.mode);
  },

  async verify(ctx) {
    const mode = await readAttribute(ctx, KEY);
    return { compliant: COMPLIANT_MODES.includes(mode), detail: `Application Load Balancer ${ctx.resource.id} uses ${mode} desync mitigation mode` };
  },

  async rollback(ctx, snapshot) {
    if ((await readAttribute(ctx, KEY)) !== snapshot.desyncMitigationMode) await writeAttribute(ctx, KEY, snapshot.desyncMitigationMode);
  },
});
