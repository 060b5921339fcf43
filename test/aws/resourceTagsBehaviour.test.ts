import { describe, expect, it } from 'vitest';
import { readResourceTags } from '../../tasks/domain/resourceTags.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = LOCAL_ADMIN_ACCOUNT;

/** The tag readers of the network ACL (EC2.21) and secret (SecretsManager.1, .4) playbooks' resource types. */
describe('live tags of network ACLs and secrets (moto)', () => {
  const aws = useMoto();
  const read = (type: string, arn: string) => readResourceTags(aws.clients(), type, { arn, account: ACCOUNT });

  it("reads each resource's own tags", async () => {
    // Prepare
    const vpc = (await callAws({ service: 'EC2', command: 'CreateVpc', params: { CidrBlock: '10.80.0.0/16' } })) as { Vpc: { VpcId: string } };
    const acl = (await callAws({
      service: 'EC2',
      command: 'CreateNetworkAcl',
      params: { VpcId: vpc.Vpc.VpcId, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'rectify:exempt', Value: 'EC2.21' }] }] },
    })) as { NetworkAcl: { NetworkAclId: string } };
    const secret = (await callAws({
      service: 'SecretsManager',
      command: 'CreateSecret',
      params: { Name: 'team/db', SecretString: 'x', Tags: [{ Key: 'rectify:exempt', Value: '*' }] },
    })) as { ARN: string };
    // Act
    const aclTags = await read('AwsEc2NetworkAcl', `arn:aws:ec2:us-east-1:${ACCOUNT}:network-acl/${acl.NetworkAcl.NetworkAclId}`);
    const secretTags = await read('AwsSecretsManagerSecret', secret.ARN);
    // Assess
    expect(aclTags).toEqual({ 'rectify:exempt': 'EC2.21' });
    expect(secretTags).toEqual({ 'rectify:exempt': '*' });
  });

  it('cannot vouch for a resource that does not exist or a secret scheduled for deletion: it throws, so the caller fails closed', async () => {
    // Prepare
    const deleted = (await callAws({ service: 'SecretsManager', command: 'CreateSecret', params: { Name: 'team/old', SecretString: 'x' } })) as { ARN: string };
    await callAws({ service: 'SecretsManager', command: 'DeleteSecret', params: { SecretId: deleted.ARN, RecoveryWindowInDays: 7 } });
    const missing: [string, string][] = [
      ['AwsEc2NetworkAcl', `arn:aws:ec2:us-east-1:${ACCOUNT}:network-acl/acl-0123456789abcdef0`],
      ['AwsSecretsManagerSecret', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:team/gone-AbCdEf`],
      ['AwsSecretsManagerSecret', deleted.ARN],
    ];
    // Act
    const answers = await Promise.all(missing.map(async ([type, arn]) => read(type, arn).then(() => 'answered', () => 'threw')));
    // Assess
    expect(answers).toEqual(['threw', 'threw', 'threw']);
  });
});
