import { definePlaybook } from '../definePlaybook.js';
import { ATTRIBUTE_PERMISSIONS, readAttribute, writeAttribute } from './loadBalancerAttributes.js';

const KEY = 'deletion_protection.enabled';
type DeletionProtectionSnapshot = { deletionProtection: boolean };

/** Why deletion protection disrupts nothing: stated in every plan that changes the load balancer. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'listeners, targets and traffic are unaffected; only DeleteLoadBalancer is refused until someone turns protection off (a stack or pipeline that deletes it must do so first)',
} as const;

/**
 * Turns on deletion protection for an Application, Network or Gateway Load Balancer (ELB.6,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-6; AWS Config
 * rule `elb-deletion-protection-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/elb-deletion-protection-enabled.html:
 * NON_COMPLIANT when `deletion_protection.enabled` is false). `verify` reads exactly that
 * attribute. Traffic is untouched; only deleting the load balancer is refused until protection is
 * turned off again, which a CloudFormation stack or pipeline that deletes it must then do first.
 */
export const enableLoadBalancerDeletionProtection = definePlaybook<DeletionProtectionSnapshot, { description: string }>({
  id: 'elbv2-enable-deletion-protection',
  title: 'Turn on deletion protection for an Application, Network or Gateway Load Balancer',
  controls: ['ELB.6'],
  resourceType: 'AwsElbv2LoadBalancer',
  impact: IMPACT.level,
  permissions: [...ATTRIBUTE_PERMISSIONS],

  snapshot: async (ctx) => ({ deletionProtection: (await readAttribute(ctx, KEY)) === 'true' }),

  plan(ctx, current) {
    if (current.deletionProtection) return { summary: `Load balancer ${ctx.resource.id} has deletion protection`, changes: [] };
    return {
      summary: `Turn on deletion protection for load balancer ${ctx.resource.id} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Set ${KEY} to true on load balancer ${ctx.resource.id}: it can no longer be deleted until protection is turned off; traffic is unaffected` }],
    };
  },

  async apply(ctx) {
    if ((await readAttribute(ctx, KEY)) !== 'true') await writeAttribute(ctx, KEY, 'true');
  },

  async verify(ctx) {
    const enabled = (await readAttribute(ctx, KEY)) === 'true';
    return { compliant: enabled, detail: `Deletion protection of load balancer ${ctx.resource.id} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.deletionProtection && (await readAttribute(ctx, KEY)) === 'true') await writeAttribute(ctx, KEY, 'false');
  },
});
