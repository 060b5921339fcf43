import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type Action,
  type Listener,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type JsonValue, type PlaybookContext } from '../definePlaybook.js';
import { requireApplicationLoadBalancer } from './loadBalancerAttributes.js';

/** One HTTP listener as the snapshot keeps it: what apply may change is its default actions (as ELB reported them, plain JSON). */
type HttpListener = { arn: string; port: number; defaultActions: { [key: string]: JsonValue }[] };
type Snapshot = { httpListeners: HttpListener[] };

const IMPACT = {
  level: 'disruptive',
  why: 'requests to http:// get a 301 redirect to https:// instead of the content: clients that cannot follow redirects or speak TLS (old devices, scripts, webhooks that POST over HTTP, HTTP health checks from outside) stop working',
} as const;

/** A redirect to HTTPS keeping host, path and query, as the console's "Redirect to HTTPS" makes it. */
const redirectTo = (port: number): Action => ({
  Type: 'redirect',
  RedirectConfig: { Protocol: 'HTTPS', Port: String(port), Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' },
});
const redirectsToHttps = (actions: readonly Action[] | undefined) => (actions ?? []).some((a) => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS');
/** The actions as JSON the snapshot can store (the SDK type allows `undefined` members). */
const asJson = (actions: readonly Action[] | undefined) => JSON.parse(JSON.stringify(actions ?? [])) as HttpListener['defaultActions'];
/** The stored actions back as the SDK type: they are what DescribeListeners answered. */
const asActions = (json: HttpListener['defaultActions']) => json as unknown as Action[];

async function listenersOf(ctx: PlaybookContext<unknown>): Promise<Listener[]> {
  const elb = ctx.aws.client(ElasticLoadBalancingV2Client);
  const listeners: Listener[] = [];
  let Marker: string | undefined;
  do {
    const page = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: ctx.resource.id, Marker }));
    listeners.push(...(page.Listeners ?? []));
    Marker = page.NextMarker;
  } while (Marker);
  return listeners.sort((a, b) => (a.Port ?? 0) - (b.Port ?? 0));
}

/** The listener's rules other than its default rule that do not redirect to HTTPS (routing a person set up). */
async function nonRedirectingRules(ctx: PlaybookContext<unknown>, listenerArn: string): Promise<string[]> {
  const { Rules = [] } = await ctx.aws.client(ElasticLoadBalancingV2Client).send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  return Rules.filter((r) => !r.IsDefault && !redirectsToHttps(r.Actions)).map((r) => `priority ${r.Priority}`);
}

/**
 * What the Config rule finds wrong with the load balancer: each HTTP listener whose default
 * action, or any of whose other rules, does not redirect to HTTPS (AWS Support's reading of
 * `alb-http-to-https-redirection-check`: every rule of an HTTP listener must redirect).
 */
async function failures(ctx: PlaybookContext<unknown>): Promise<string[]> {
  const found: string[] = [];
  for (const listener of (await listenersOf(ctx)).filter((l) => l.Protocol === 'HTTP')) {
    if (!redirectsToHttps(listener.DefaultActions)) found.push(`HTTP listener on port ${listener.Port}: default action ${listener.DefaultActions?.map((a) => a.Type).join('+')}`);
    const rules = await nonRedirectingRules(ctx, listener.ListenerArn!);
    if (rules.length > 0) found.push(`HTTP listener on port ${listener.Port}: rules ${rules.join(', ')} do not redirect to HTTPS`);
  }
  return found;
}

/**
 * Redirects every HTTP listener of an Application Load Balancer to HTTPS (ELB.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-1, severity medium;
 * AWS Config rule `alb-http-to-https-redirection-check`,
 * https://docs.aws.amazon.com/config/latest/developerguide/alb-http-to-https-redirection-check.html:
 * NON_COMPLIANT when an HTTP listener of the load balancer has no HTTP-to-HTTPS redirect; no
 * parameters). `verify` reads every HTTP listener: its default action and every other rule must
 * redirect to HTTPS. `apply` sets the default action of each HTTP listener that does not
 * redirect to a 301 to HTTPS (host, path and query kept) on the load balancer's HTTPS listener
 * port (443 when it has one). Refused before any change: a load balancer with no HTTPS listener
 * (a redirect to nothing takes the site down), and an HTTP listener with routing rules that
 * forward (rewriting them changes what each path serves: a person decides). Other listeners,
 * rules, certificates and attributes stay; rollback puts back each default action Rectify
 * replaced, while the listener still holds Rectify's redirect.
 */
export const redirectHttpToHttps = definePlaybook<Snapshot, { description: string }>({
  id: 'elbv2-redirect-http-to-https',
  title: 'Redirect the HTTP listeners of an Application Load Balancer to HTTPS',
  controls: ['ELB.1', 'pci-dss/v/3.2.1/PCI.ELBv2.1'],
  resourceType: 'AwsElbv2LoadBalancer',
  impact: IMPACT.level,
  permissions: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:ModifyListener'],

  async snapshot(ctx) {
    const listeners = await listenersOf(ctx);
    return { httpListeners: listeners.filter((l) => l.Protocol === 'HTTP').map((l) => ({ arn: l.ListenerArn!, port: l.Port!, defaultActions: asJson(l.DefaultActions) })) };
  },

  async plan(ctx, current) {
    requireApplicationLoadBalancer(ctx, 'ELB.1');
    const todo = current.httpListeners.filter((l) => !redirectsToHttps(asActions(l.defaultActions)));
    const withRules = [];
    for (const l of current.httpListeners) {
      const rules = await nonRedirectingRules(ctx, l.arn);
      if (rules.length > 0) withRules.push(`port ${l.port} (rules ${rules.join(', ')})`);
    }
    if (todo.length === 0 && withRules.length === 0) return { summary: `Every HTTP listener of ${ctx.resource.id} redirects to HTTPS`, changes: [] };
    if (withRules.length > 0) {
      throw new RemediationFailedError(
        `Load balancer ${ctx.resource.id} (finding ${ctx.request.findingId}) has HTTP listeners with routing rules that do not redirect to HTTPS: ${withRules.join('; ')}. ` +
          'ELB.1 fails while any rule of an HTTP listener forwards; rewriting them changes what each path serves. Move those rules to the HTTPS listener, then redirect by hand or re-run. Rectify changed nothing.',
      );
    }
    const httpsPorts = (await listenersOf(ctx)).filter((l) => l.Protocol === 'HTTPS').map((l) => l.Port!);
    if (httpsPorts.length === 0) {
      throw new RemediationFailedError(
        `Load balancer ${ctx.resource.id} (finding ${ctx.request.findingId}) has no HTTPS listener: redirecting HTTP to HTTPS would send every client to a port nothing answers. ` +
          'Add an HTTPS listener with a certificate first, then re-run. Rectify changed nothing.',
      );
    }
    const port = httpsPorts.includes(443) ? 443 : httpsPorts[0]!;
    return {
      summary: `Redirect ${todo.length} HTTP listener(s) of ${ctx.resource.id} to HTTPS on port ${port} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: todo.map((l) => ({
        description: `Set the default action of the HTTP listener on port ${l.port} from ${l.defaultActions.map((a) => a.Type).join('+')} to a 301 redirect to HTTPS port ${port} (host, path and query kept)`,
      })),
    };
  },

  async apply(ctx) {
    const listeners = await listenersOf(ctx);
    const httpsPorts = listeners.filter((l) => l.Protocol === 'HTTPS').map((l) => l.Port!);
    if (httpsPorts.length === 0) throw new RemediationFailedError(`Load balancer ${ctx.resource.id} has no HTTPS listener any more; Rectify did not redirect HTTP to it`);
    const port = httpsPorts.includes(443) ? 443 : httpsPorts[0]!;
    for (const l of listeners.filter((x) => x.Protocol === 'HTTP' && !redirectsToHttps(x.DefaultActions))) {
      await ctx.aws.client(ElasticLoadBalancingV2Client).send(new ModifyListenerCommand({ ListenerArn: l.ListenerArn, DefaultActions: [redirectTo(port)] }));
    }
  },

  async verify(ctx) {
    const found = await failures(ctx);
    return {
      compliant: found.length === 0,
      detail: found.length === 0 ? `Every HTTP listener of ${ctx.resource.id} redirects to HTTPS` : `${ctx.resource.id}: ${found.join('; ')}`,
    };
  },

  async rollback(ctx, snapshot) {
    const live = new Map((await listenersOf(ctx)).map((l) => [l.ListenerArn!, l]));
    for (const before of snapshot.httpListeners) {
      const now = live.get(before.arn);
      // Undo only Rectify's redirect: a listener gone, or changed to something else since, is left.
      const actions = asActions(before.defaultActions);
      if (!now || redirectsToHttps(actions) || !redirectsToHttps(now.DefaultActions)) continue;
      await ctx.aws.client(ElasticLoadBalancingV2Client).send(new ModifyListenerCommand({ ListenerArn: before.arn, DefaultActions: actions }));
    }
  },
});
