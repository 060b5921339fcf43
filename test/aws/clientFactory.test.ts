import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../tasks/aws/clientFactory.js';
import { endpointFor } from '../../tasks/aws/endpoints.js';
import { MemberRole } from '../../tasks/aws/memberRole.js';
import { clientsForRequest } from '../../tasks/handlers/playbookDeps.js';
import { taskConfig, TaskEnv } from '../../tasks/taskConfig.js';
import { LOCAL_MEMBER_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { requestFor } from '../support/request.js';
import { TASK_ENV } from '../support/taskEnv.js';
import { useMoto } from '../support/moto.js';

describe('endpointFor', () => {
  it('prefers the service-specific variable over AWS_ENDPOINT_URL', () => {
    // Prepare
    const env = { AWS_ENDPOINT_URL: 'http://general', AWS_ENDPOINT_URL_S3_CONTROL: 'http://s3control' };
    // Act + Assess
    expect(endpointFor('S3 Control', env)).toBe('http://s3control');
    expect(endpointFor('EC2', env)).toBe('http://general');
    expect(endpointFor('EC2', {})).toBeUndefined();
  });
});

describe('clientConfig', () => {
  it('gives Kinesis an HTTP/1.1 handler toward an emulator, and leaves its HTTP/2 default toward AWS', () => {
    // Act
    const emulated = clientConfig(KinesisClient, 'us-east-1', undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' });
    const real = clientConfig(KinesisClient, 'us-east-1', undefined, {});
    // Assess: moto answers the Kinesis client's default HTTP/2 with a protocol error.
    expect(emulated.requestHandler).toBeInstanceOf(NodeHttpHandler);
    expect(real.requestHandler).toBeUndefined();
  });
});

describe('clientsFor against moto', () => {
  const aws = useMoto();

  it('uses the task role in the administrator account and assumes the member role elsewhere', async () => {
    // Act
    const admin = await aws.clients().client(STSClient).send(new GetCallerIdentityCommand({}));
    const member = await aws.clients(LOCAL_MEMBER_ACCOUNT).client(STSClient).send(new GetCallerIdentityCommand({}));
    // Assess
    expect(admin.Account).toBe('123456789012');
    expect(member.Account).toBe(LOCAL_MEMBER_ACCOUNT);
    expect(member.Arn).toContain('assumed-role/RectifyRemediationRole/rectify-test');
  });

  it('assumes the member role a task names: the read role to look, the change role to change', async () => {
    // Prepare
    const config = taskConfig({ ...TASK_ENV, [TaskEnv.adminAccount]: '123456789012' });
    const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::b', controlId: 'S3.8', account: LOCAL_MEMBER_ACCOUNT });
    const execution = { id: 'arn:aws:states:us-east-1:123456789012:execution:rectify:run-1', name: 'run-1' };
    const whoAmI = (role: MemberRole) => clientsForRequest(config, request, execution, role).client(STSClient).send(new GetCallerIdentityCommand({}));

    // Act
    const [read, change] = await Promise.all([whoAmI(MemberRole.read), whoAmI(MemberRole.change)]);

    // Assess
    expect(config.memberRoleNames).toEqual({ read: 'RectifyReadRole', change: 'RectifyRemediationRole' });
    expect(read.Arn).toBe(`arn:aws:sts::${LOCAL_MEMBER_ACCOUNT}:assumed-role/RectifyReadRole/rectify-run-1`);
    expect(change.Arn).toBe(`arn:aws:sts::${LOCAL_MEMBER_ACCOUNT}:assumed-role/RectifyRemediationRole/rectify-run-1`);
  });

  it('keeps state per account: a bucket made in the member account is not in the administrator account', async () => {
    // Prepare
    const member = aws.clients(LOCAL_MEMBER_ACCOUNT).client(S3Client);
    // Act
    await member.send(new CreateBucketCommand({ Bucket: 'member-only-bucket' }));
    // Assess
    const inMember = await member.send(new ListBucketsCommand({}));
    const inAdmin = await aws.clients().client(S3Client).send(new ListBucketsCommand({}));
    expect(inMember.Buckets?.map((b) => b.Name)).toContain('member-only-bucket');
    expect(inAdmin.Buckets?.map((b) => b.Name) ?? []).not.toContain('member-only-bucket');
  });
});
