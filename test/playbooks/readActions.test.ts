import { describe, expect, it } from 'vitest';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { isReadAction } from '../../tasks/playbooks/readActions.js';
import { allPlaybooks, changeRoleActions, readRoleActions } from '../../tasks/playbooks/registry.js';

describe('isReadAction', () => {
  it('counts the read verbs, followed by a capital, as reads', () => {
    // Act + Assess
    for (const action of [
      's3:GetBucketPolicy',
      'ec2:DescribeSecurityGroups',
      'lambda:ListTags',
      's3:ListAllMyBuckets',
      'dynamodb:BatchGetItem',
      'cloudtrail:LookupEvents',
      'ec2:SearchTransitGatewayRoutes',
      'ssm:GetAutomationExecution',
      'apigateway:GET',
      'iam:SimulatePrincipalPolicy',
    ]) {
      expect(isReadAction(action), action).toBe(true);
    }
  });

  it('counts every other action as a change: writes, wildcards, look-alikes and credential-minting reads', () => {
    // Act + Assess
    for (const action of [
      's3:PutBucketPolicy',
      'ec2:ModifySnapshotAttribute',
      'lambda:AddPermission',
      'iam:PassRole',
      'ssm:StartAutomationExecution',
      'ec2:Describe*',
      '*',
      's3:Get',
      'license-manager:CheckInLicense',
      'license-manager:CheckoutLicense',
      'ec2:describeInstances',
      'ec2:Getaway',
      'sts:GetSessionToken',
      'sts:GetFederationToken',
      'redshift:GetClusterCredentials',
      'ecr:GetAuthorizationToken',
      'cognito-identity:GetId',
      'apigateway:PATCH',
      'apigateway:DELETE',
    ]) {
      expect(isReadAction(action), action).toBe(false);
    }
  });
});

describe('member role actions', () => {
  it('gives the read role the declared reads and the tag reads, and the change role every declared action', () => {
    // Prepare
    const declared = [...new Set(allPlaybooks().flatMap((p) => p.permissions))];
    const tagReads = tagReadPermissionsFor(allPlaybooks());

    // Act
    const reads = readRoleActions(allPlaybooks(), tagReads);
    const changes = changeRoleActions(allPlaybooks(), tagReads);

    // Assess
    expect(reads.every(isReadAction)).toBe(true);
    expect(tagReads.every(isReadAction)).toBe(true);
    expect(declared.filter((a) => !reads.includes(a) && !changes.includes(a))).toEqual([]);
    expect(declared.filter(isReadAction).every((a) => reads.includes(a))).toBe(true);
    expect(reads.every((a) => changes.includes(a))).toBe(true);
  });

  it('refuses a tag read that is not a read', () => {
    // Act + Assess
    expect(() => readRoleActions(allPlaybooks(), ['s3:PutBucketTagging'])).toThrow(/s3:PutBucketTagging is not a read action/);
  });
});
