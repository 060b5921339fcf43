import { describe, expect, it } from 'vitest';
import { callAws } from '../../workflows/local/awsCall.js';
import { useMoto } from '../support/moto.js';

describe('the moto server the local runtime starts', () => {
  const aws = useMoto();

  it('makes none of its ~1,200 sample AMIs, and RunInstances still takes an image id it does not know', async () => {
    // Prepare
    await aws.moto.reset();

    // Act
    const images = (await callAws({ service: 'EC2', command: 'DescribeImages', params: { Owners: ['amazon'] } })) as { Images?: unknown[] };
    const snapshots = (await callAws({ service: 'EC2', command: 'DescribeSnapshots', params: {} })) as { Snapshots?: unknown[] };
    const run = (await callAws({ service: 'EC2', command: 'RunInstances', params: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 } })) as {
      Instances: { InstanceId: string }[];
    };

    // Assess
    expect(images.Images ?? []).toEqual([]);
    expect(snapshots.Snapshots ?? []).toEqual([]);
    expect(run.Instances[0]!.InstanceId).toMatch(/^i-/);
  });
});
