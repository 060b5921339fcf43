import { CloudTrailClient, CreateTrailCommand, GetEventSelectorsCommand, PutEventSelectorsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { logObjectLevelEvents as playbook } from '../../../tasks/playbooks/s3/logObjectLevelEvents.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const DEFAULT = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] };
const WRITES = { ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] };

describe('logObjectLevelEvents (S3.22, S3.23) against moto', () => {
  const aws = useMoto();
  /** A fresh account per test: the controls are about the account's trails. */
  const newAccount = () => `6${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
  const cloudtrail = (account: string) => aws.clients(account).client(CloudTrailClient);

  async function trail(account: string, multiRegion = true): Promise<string> {
    const name = `trail-${crypto.randomUUID().slice(0, 8)}`;
    await aws.clients(account).client(S3Client).send(new CreateBucketCommand({ Bucket: `${name}-logs` }));
    await cloudtrail(account).send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, IsMultiRegionTrail: multiRegion }));
    return name;
  }
  const contextFor = (account: string, controlId: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${account}`, controlId, account }), aws.clients(account));
  const selectors = async (account: string, TrailName: string) => {
    const out = await cloudtrail(account).send(new GetEventSelectorsCommand({ TrailName }));
    return { basic: out.EventSelectors ?? [], advanced: out.AdvancedEventSelectors ?? [] };
  };

  it('says non-compliant, then adds a write-only S3 data selector beside the trail\'s management events (S3.22)', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const single = await trail(account, false);
    const ctx = contextFor(account, 'S3.22');
    // Act
    const before = await playbook.verify(ctx);
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(before).toEqual({ compliant: false, detail: 'No multi-Region trail logs S3 object-level write events for all buckets' });
    expect(snapshot).toEqual({ trailName: name, eventSelectors: [DEFAULT], advancedEventSelectors: [] });
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.summary).toContain('$0.10 per 100,000');
    expect((await selectors(account, name)).basic).toEqual([DEFAULT, WRITES]);
    expect((await selectors(account, single)).basic).toEqual([]);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Multi-Region trail ${name} logs S3 object-level write events for all buckets` });
    // Writes are not reads: S3.23 still fails on the same trail.
    expect((await playbook.verify(contextFor(account, 'S3.23'))).compliant).toBe(false);
  });

  it('adds only the missing direction: reads beside existing writes (S3.23)', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    await cloudtrail(account).send(new PutEventSelectorsCommand({ TrailName: name, EventSelectors: [DEFAULT as never, WRITES as never] }));
    const ctx = contextFor(account, 'S3.23');
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect((await selectors(account, name)).basic).toEqual([
      DEFAULT,
      WRITES,
      { ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] },
    ]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('adds an advanced selector to a trail that uses advanced selectors', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const management = { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] };
    await cloudtrail(account).send(new PutEventSelectorsCommand({ TrailName: name, AdvancedEventSelectors: [management] }));
    const ctx = contextFor(account, 'cis-aws-foundations-benchmark/v/3.0.0/3.8');
    // Act
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    expect((await selectors(account, name)).advanced).toEqual([
      management,
      {
        Name: 'Rectify: S3 object-level write events, all buckets',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'readOnly', Equals: ['false'] },
        ],
      },
    ]);
    expect((await playbook.verify(ctx)).compliant).toBe(true);
  });

  it('rolls back to the trail\'s selectors as they were, and applying twice changes nothing', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    const ctx = contextFor(account, 'S3.22');
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    await playbook.apply(ctx, plan);
    const afterFirst = await selectors(account, name);
    await playbook.apply(ctx, plan);
    const afterSecond = await selectors(account, name);
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(afterSecond).toEqual(afterFirst);
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toHaveLength(1);
  });

  it('plans nothing when a multi-Region trail logs the events already, and refuses an account without a multi-Region trail', async () => {
    // Prepare
    const account = newAccount();
    const name = await trail(account);
    await cloudtrail(account).send(new PutEventSelectorsCommand({ TrailName: name, EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }));
    const lone = newAccount();
    await trail(lone, false);
    const ctx = contextFor(account, 'S3.23');
    const loneCtx = contextFor(lone, 'S3.22');
    // Act
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    const refused = playbook.plan(loneCtx, await playbook.snapshot(loneCtx));
    // Assess
    expect(plan.changes).toEqual([]);
    await expect(refused).rejects.toThrow('remediate CloudTrail.1 first');
  });
});
