import {
  DescribeLoadBalancerAttributesCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { RemediationFailedError } from '../../domain/errors.js';
import type { PlaybookContext } from '../definePlaybook.js';

/**
 * The load balancer attributes the ELB playbooks change, with the value Elastic Load Balancing
 * gives a load balancer that never set them ("Load balancer attributes", User Guide for
 * Application Load Balancers). AWS always reports them; moto reports only those set since
 * creation, so an absent attribute reads as its documented default.
 */
export const LOAD_BALANCER_DEFAULTS = {
  'deletion_protection.enabled': 'false',
  'routing.http.drop_invalid_header_fields.enabled': 'false',
  'routing.http.desync_mitigation_mode': 'defensive',
} as const;
export type LoadBalancerAttribute = keyof typeof LOAD_BALANCER_DEFAULTS;

/** The ARN's load balancer type: `loadbalancer/app/…` is an Application Load Balancer, `net` Network, `gwy` Gateway. */
export type LoadBalancerKind = 'application' | 'network' | 'gateway';
const KINDS: Readonly<Record<string, LoadBalancerKind>> = { app: 'application', net: 'network', gwy: 'gateway' };

/** The type of the finding's load balancer, read from its ARN (ValidateFinding made it canonical). */
export function loadBalancerKind(ctx: PlaybookContext<unknown>): LoadBalancerKind {
  const kind = KINDS[/:loadbalancer\/(app|net|gwy)\//.exec(ctx.resource.id)?.[1] ?? ''];
  if (!kind) throw new RemediationFailedError(`${ctx.resource.id} is not an Elastic Load Balancing v2 load balancer ARN (finding ${ctx.request.findingId}); Rectify changed nothing`);
  return kind;
}

/**
 * Refuse, before any change, a load balancer the control does not evaluate (ELB.4 and ELB.12
 * evaluate Application Load Balancers only; the `routing.http.*` attributes exist only there).
 */
export function requireApplicationLoadBalancer(ctx: PlaybookContext<unknown>, control: string): void {
  const kind = loadBalancerKind(ctx);
  if (kind !== 'application') {
    throw new RemediationFailedError(
      `${control} evaluates Application Load Balancers only, and ${ctx.resource.id} is a ${kind} load balancer (finding ${ctx.request.findingId}): Rectify changed nothing`,
    );
  }
}

/** The current value of one attribute; the documented default when the load balancer does not report it. Throws when the load balancer does not exist. */
export async function readAttribute(ctx: PlaybookContext<unknown>, key: LoadBalancerAttribute): Promise<string> {
  const { Attributes = [] } = await ctx.aws
    .client(ElasticLoadBalancingV2Client)
    .send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: ctx.resource.id }));
  return Attributes.find((a) => a.Key === key)?.Value ?? LOAD_BALANCER_DEFAULTS[key];
}

/** Set one attribute and nothing else: ModifyLoadBalancerAttributes leaves every attribute it is not sent as it is. */
export async function writeAttribute(ctx: PlaybookContext<unknown>, key: LoadBalancerAttribute, value: string): Promise<void> {
  await ctx.aws
    .client(ElasticLoadBalancingV2Client)
    .send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: ctx.resource.id, Attributes: [{ Key: key, Value: value }] }));
}

/** The IAM actions of {@link readAttribute} and {@link writeAttribute}. */
export const ATTRIBUTE_PERMISSIONS = ['elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:ModifyLoadBalancerAttributes'] as const;
