import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, StartStreamEncryptionCommand, type StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableStreamEncryption as playbook } from '../../../tasks/playbooks/kinesis/enableStreamEncryption.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;

describe('enableStreamEncryption (Kinesis.1) against moto', () => {
  const aws = useMoto();
  const kinesis = () => aws.clients().client(KinesisClient);

  async function stream(keyId?: string): Promise<string> {
    const StreamName = `clicks-${crypto.randomUUID().slice(0, 8)}`;
    await kinesis().send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    if (keyId) await kinesis().send(new StartStreamEncryptionCommand({ StreamName, EncryptionType: 'KMS', KeyId: keyId }));
    return StreamName;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsKinesisStream', resourceId: streamArn(name), controlId: 'Kinesis.1' }), aws.clients());
  /** The stream as Kinesis summarises it, without the consumer count that can move. */
  const streamOf = async (StreamName: string): Promise<StreamDescriptionSummary> =>
    (await kinesis().send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!;

  it('encrypts the stream with the AWS managed key, a disruptive plan that names the cost, and leaves the rest and a neighbour alone', async () => {
    // Prepare
    const name = await stream();
    const neighbour = await stream();
    const ctx = contextFor(name);
    const before = await streamOf(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ encryptionType: 'NONE', keyId: null });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Start server-side encryption of Kinesis stream ${streamArn(name)} with the AWS managed key alias/aws/kinesis: new records are ` +
        'encrypted, records already in the stream are not; KMS requests are billed for every put and get',
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/it adds cost/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `Kinesis stream ${name} is encrypted with alias/aws/kinesis` });
    expect(await streamOf(name)).toEqual({ ...before, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    expect((await streamOf(neighbour)).EncryptionType).toBe('NONE');
  });

  it('verify answers non-compliant for an unencrypted stream', async () => {
    // Prepare
    const name = await stream();
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `Kinesis stream ${name} is not encrypted at rest` });
  });

  it('rolls back to no encryption', async () => {
    // Prepare
    const name = await stream();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for a stream with its own KMS key, which rollback keeps', async () => {
    // Prepare
    const name = await stream();
    const ownKey = await stream('alias/clicks-key');
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await streamOf(name);
    // Act
    await playbook.apply(ctx, plan);
    const ownCtx = contextFor(ownKey);
    const ownSnapshot = await playbook.snapshot(ownCtx);
    const ownPlan = await playbook.plan(ownCtx, ownSnapshot);
    await playbook.apply(ownCtx, ownPlan);
    await playbook.rollback(ownCtx, ownSnapshot);
    // Assess
    expect(await streamOf(name)).toEqual(afterFirst);
    expect(ownPlan.changes).toEqual([]);
    expect(await streamOf(ownKey)).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/clicks-key' });
  });

  it('fails the snapshot of a stream that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('gone'))).rejects.toThrow();
  });
});
