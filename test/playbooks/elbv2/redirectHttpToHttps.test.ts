import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  type Action,
  type Listener,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { redirectHttpToHttps as playbook } from '../../../tasks/playbooks/elbv2/redirectHttpToHttps.js';
import { useMoto } from '../../support/moto.js';
import { createLoadBalancer, loadBalancerContext } from './loadBalancerFixtures.js';

const CERTIFICATE = 'arn:aws:iam::123456789012:server-certificate/web';
const OK: Action = { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } };

describe('redirectHttpToHttps (ELB.1) against moto', () => {
  const aws = useMoto();
  const elb = () => aws.clients().client(ElasticLoadBalancingV2Client);

  /** An Application Load Balancer with the listeners given (protocol, port, default action). */
  async function loadBalancer(listeners: { protocol: 'HTTP' | 'HTTPS'; port: number; action?: Action }[]): Promise<string> {
    const arn = await createLoadBalancer(aws.clients(), 'application');
    for (const l of listeners) {
      await elb().send(
        new CreateListenerCommand({
          LoadBalancerArn: arn,
          Protocol: l.protocol,
          Port: l.port,
          DefaultActions: [l.action ?? OK],
          ...(l.protocol === 'HTTPS' ? { Certificates: [{ CertificateArn: CERTIFICATE }] } : {}),
        }),
      );
    }
    return arn;
  }
  const listenersOf = async (arn: string): Promise<Listener[]> =>
    ((await elb().send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners ?? []).sort((a, b) => a.Port! - b.Port!);
  const context = (arn: string) => loadBalancerContext(playbook, aws.clients(), arn, 'ELB.1');

  it('redirects the HTTP listener to the HTTPS listener and leaves the HTTPS listener and a neighbour alone', async () => {
    // Prepare
    const arn = await loadBalancer([{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTPS', port: 443 }]);
    const neighbour = await loadBalancer([{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTPS', port: 443 }]);
    const neighbourBefore = await listenersOf(neighbour);
    const ctx = context(arn);
    const before = await listenersOf(arn);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual([
      'Set the default action of the HTTP listener on port 80 from fixed-response to a 301 redirect to HTTPS port 443 (host, path and query kept)',
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Every HTTP listener of ${arn} redirects to HTTPS` });
    const after = await listenersOf(arn);
    expect(after[0]!.DefaultActions).toMatchObject([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    expect(after[1]).toEqual(before[1]);
    expect(await listenersOf(neighbour)).toEqual(neighbourBefore);
  });

  it('verify answers non-compliant for an HTTP listener that serves content, and for one whose rule forwards', async () => {
    // Prepare
    const serving = await loadBalancer([{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTPS', port: 443 }]);
    const redirect: Action = { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } };
    const withRule = await loadBalancer([{ protocol: 'HTTP', port: 80, action: redirect }, { protocol: 'HTTPS', port: 443 }]);
    const [httpListener] = await listenersOf(withRule);
    await elb().send(new CreateRuleCommand({ ListenerArn: httpListener!.ListenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }], Actions: [OK] }));
    // Act
    const servingResult = await playbook.verify(context(serving));
    const ruleResult = await playbook.verify(context(withRule));
    const planning = Promise.resolve().then(async () => playbook.plan(context(withRule), await playbook.snapshot(context(withRule))));
    // Assess
    expect(servingResult).toEqual({ compliant: false, detail: `${serving}: HTTP listener on port 80: default action fixed-response` });
    expect(ruleResult).toEqual({ compliant: false, detail: `${withRule}: HTTP listener on port 80: rules priority 10 do not redirect to HTTPS` });
    await expect(planning).rejects.toThrow(/routing rules that do not redirect to HTTPS: port 80 \(rules priority 10\).*Rectify changed nothing/);
  });

  it('refuses a load balancer with no HTTPS listener, and a Network Load Balancer, changing nothing', async () => {
    // Prepare
    const httpOnly = await loadBalancer([{ protocol: 'HTTP', port: 80 }]);
    const before = await listenersOf(httpOnly);
    // moto names every load balancer loadbalancer/app/…, so the Network Load Balancer is an ARN only: plan refuses it from the ARN before reading anything.
    const network = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/0123456789abcdef';
    // Act
    const refusals = await Promise.all([
      Promise.resolve().then(async () => playbook.plan(context(httpOnly), await playbook.snapshot(context(httpOnly)))).then(() => 'planned', (e: Error) => e.message),
      Promise.resolve().then(async () => playbook.plan(context(network), { httpListeners: [] })).then(() => 'planned', (e: Error) => e.message),
    ]);
    // Assess
    expect(refusals[0]).toMatch(/has no HTTPS listener: redirecting HTTP to HTTPS would send every client to a port nothing answers/);
    expect(refusals[1]).toMatch(/evaluates Application Load Balancers only/);
    expect(await listenersOf(httpOnly)).toEqual(before);
  });

  it('rolls back to the forward action the listener had, target group included', async () => {
    // Prepare
    const arn = await loadBalancer([{ protocol: 'HTTPS', port: 443 }]);
    const { TargetGroups } = await elb().send(new CreateTargetGroupCommand({ Name: `web-${crypto.randomUUID().slice(0, 8)}`, Protocol: 'HTTP', Port: 8080, VpcId: await vpcOf(arn) }));
    const forward: Action = { Type: 'forward', TargetGroupArn: TargetGroups![0]!.TargetGroupArn };
    await elb().send(new CreateListenerCommand({ LoadBalancerArn: arn, Protocol: 'HTTP', Port: 80, DefaultActions: [forward] }));
    const ctx = context(arn);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(before).toMatchObject({ httpListeners: [{ port: 80, defaultActions: [forward] }] });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for a load balancer that already redirects', async () => {
    // Prepare
    const arn = await loadBalancer([{ protocol: 'HTTP', port: 80 }, { protocol: 'HTTP', port: 8080 }, { protocol: 'HTTPS', port: 8443 }]);
    const ctx = context(arn);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await listenersOf(arn);
    // Act
    await playbook.apply(ctx, plan);
    const again = await playbook.plan(ctx, await playbook.snapshot(ctx));
    // Assess
    expect(plan.changes).toHaveLength(2);
    expect(plan.summary).toMatch(/to HTTPS on port 8443/);
    expect(await listenersOf(arn)).toEqual(afterFirst);
    expect(again.changes).toEqual([]);
  });

  it('fails the snapshot of a load balancer that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(context('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gone/0123456789abcdef'))).rejects.toThrow();
  });

  async function vpcOf(arn: string): Promise<string> {
    const { DescribeLoadBalancersCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    return (await elb().send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers![0]!.VpcId!;
  }
});
