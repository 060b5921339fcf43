import { definePlaybook } from '../definePlaybook.js';
import { ATTRIBUTE_PERMISSIONS, readAttribute, requireApplicationLoadBalancer, writeAttribute } from './loadBalancerAttributes.js';

const KEY = 'routing.http.drop_invalid_header_fields.enabled';
type DropInvalidHeadersSnapshot = { dropInvalidHeaderFields: boolean };

/** Why dropping invalid headers can disrupt: stated in every plan that changes the load balancer. */
const IMPACT = {
  level: 'disruptive',
  why:
    'the load balancer will remove HTTP headers whose names do not match [-A-Za-z0-9]+ before forwarding requests; a client or target ' +
    'that relies on such a header (an underscore in its name, for instance) stops receiving it, and Rectify cannot see whether any does',
} as const;

/**
 * Makes an Application Load Balancer drop HTTP headers with invalid names (ELB.4,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-4; AWS Config
 * rule `alb-http-drop-invalid-header-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/alb-http-drop-invalid-header-enabled.html:
 * NON_COMPLIANT when `routing.http.drop_invalid_header_fields.enabled` is false). `verify` reads
 * exactly that attribute. Headers are then removed, not rejected: requests still reach targets,
 * but without headers such as `X_Custom_Id`, so every plan is disruptive and waits for a person.
 * Network and Gateway Load Balancers have no such attribute and are refused before any change.
 */
export const dropInvalidHeaderFields = definePlaybook<DropInvalidHeadersSnapshot, { description: string }>({
  id: 'elbv2-drop-invalid-header-fields',
  title: 'Make an Application Load Balancer drop invalid HTTP header fields',
  controls: ['ELB.4'],
  resourceType: 'AwsElbv2LoadBalancer',
  impact: IMPACT.level,
  permissions: [...ATTRIBUTE_PERMISSIONS],

  snapshot: async (ctx) => ({ dropInvalidHeaderFields: (await readAttribute(ctx, KEY)) === 'true' }),

  plan(ctx, current) {
    if (current.dropInvalidHeaderFields) return { summary: `Application Load Balancer ${ctx.resource.id} drops invalid header fields`, changes: [] };
    requireApplicationLoadBalancer(ctx, 'ELB.4');
    return {
      summary: `Make Application Load Balancer ${ctx.resource.id} drop invalid HTTP header fields (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Set ${KEY} to true on Application Load Balancer ${ctx.resource.id}: headers with names outside [-A-Za-z0-9]+ are removed ` +
            'before requests reach the targets',
        },
      ],
    };
  },

  async apply(ctx) {
    requireApplicationLoadBalancer(ctx, 'ELB.4');
    if ((await readAttribute(ctx, KEY)) !== 'true') await writeAttribute(ctx, KEY, 'true');
  },

  async verify(ctx) {
    const dropping = (await readAttribute(ctx, KEY)) === 'true';
    return { compliant: dropping, detail: `Application Load Balancer ${ctx.resource.id} ${dropping ? 'drops' : 'forwards'} invalid HTTP header fields` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.dropInvalidHeaderFields && (await readAttribute(ctx, KEY)) === 'true') await writeAttribute(ctx, KEY, 'false');
  },
});
