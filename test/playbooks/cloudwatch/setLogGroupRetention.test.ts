import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { setLogGroupRetention as playbook } from '../../../tasks/playbooks/cloudwatch/setLogGroupRetention.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

describe('setLogGroupRetention (CloudWatch.16) against moto', () => {
  const aws = useMoto();
  const logs = () => aws.clients().client(CloudWatchLogsClient);

  /** A log group with a fresh name, with the retention given (none: never expire). */
  async function group(retentionInDays?: number): Promise<string> {
    const name = `/app/${crypto.randomUUID().slice(0, 8)}`;
    await logs().send(new CreateLogGroupCommand({ logGroupName: name }));
    if (retentionInDays) await logs().send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays }));
    return name;
  }
  const arnOf = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;
  const contextFor = (name: string, options: { settings?: unknown; controlParameters?: Record<string, string[]> } = {}) =>
    createPlaybookContext(
      playbook,
      requestFor({ resourceType: 'AwsLogsLogGroup', resourceId: arnOf(name), controlId: 'CloudWatch.16', controlParameters: options.controlParameters }),
      aws.clients(),
      options.settings,
    );
  const retentionOf = async (name: string) =>
    (await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups?.find((g) => g.logGroupName === name)?.retentionInDays;

  it('sets 365 days on a 30-day group and leaves another short-lived group alone', async () => {
    // Prepare
    const name = await group(30);
    const neighbour = await group(7);
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `Log group ${name} keeps its events 30 days; the control asks for at least 365 days (Security Hub's default)` });
    expect(snapshot).toEqual({ retentionInDays: 30 });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set the retention of log group ${name} from 30 days to 365 days`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await retentionOf(name)).toBe(365);
    expect(await retentionOf(neighbour)).toBe(7);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fixes to the finding’s minRetentionTime, and verify fails what only the default would pass', async () => {
    // Prepare
    const name = await group(400);
    const ctx = contextFor(name, { controlParameters: { minRetentionTime: ['731'] } });
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect(before.compliant).toBe(false);
    expect(await retentionOf(name)).toBe(731);
    expect((await playbook.verify(ctx)).detail).toContain("at least 731 days (from the finding's control parameters)");
  });

  it('sets the smallest retention CloudWatch Logs accepts above a setting between its values, and refuses a looser setting', async () => {
    // Prepare
    const name = await group(90);
    const strict = contextFor(name, { settings: { minRetentionTime: 500 } });
    const loose = contextFor(name, { settings: { minRetentionTime: 180 } });
    const looseSnapshot = await playbook.snapshot(loose);
    // Act
    const planLoose = () => playbook.plan(loose, looseSnapshot);
    await playbook.apply(strict, await playbook.plan(strict, await playbook.snapshot(strict)));
    // Assess
    expect(planLoose).toThrow(/less strict than the control's minRetentionTime \(365/);
    expect(await retentionOf(name)).toBe(545);
  });

  it('rolls back to the previous retention', async () => {
    // Prepare
    const name = await group(14);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await retentionOf(name)).toBe(14);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time', async () => {
    // Prepare
    const name = await group(1);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    // Assess
    expect(await retentionOf(name)).toBe(365);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
  });

  it.each([[undefined], [3653]])('plans nothing for a group kept %s days (undefined: never expire)', async (retention) => {
    // Prepare
    const name = await group(retention);
    const ctx = contextFor(name);
    const snapshot = await playbook.snapshot(ctx);
    // Act
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.rollback(ctx, snapshot);
    // Assess
    expect(plan.changes).toEqual([]);
    expect(await retentionOf(name)).toBe(retention);
    expect(await playbook.verify(ctx)).toMatchObject({ compliant: true });
  });

  it('fails the snapshot of a log group that does not exist', async () => {
    // Act
    const snapshotting = playbook.snapshot(contextFor('/app/missing'));
    // Assess
    await expect(snapshotting).rejects.toThrow('Log group /app/missing does not exist');
  });
});
