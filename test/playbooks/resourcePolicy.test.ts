import { describe, expect, it } from 'vitest';
import {
  accountOf,
  actionMatches,
  describeRemoval,
  grantedActions,
  isOtherAccount,
  parsePolicy,
  pinnedByCondition,
  publicPrincipals,
  removePrincipals,
  samePolicy,
  UnreadablePolicyError,
  type Statement,
} from '../../tasks/playbooks/resourcePolicy.js';

const OWNER = '123456789012';
const PARTNER = 'arn:aws:iam::111122223333:root';
const allow = (extra: Statement): Statement => ({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', ...extra });

describe('publicPrincipals: public as the Config rules read it (fixed values only)', () => {
  it.each([
    ['Principal "*"', allow({ Principal: '*' }), ['*']],
    ['{"AWS": "*"}', allow({ Principal: { AWS: '*' } }), ['*']],
    ['a wildcard account ARN beside a fixed one', allow({ Principal: { AWS: [PARTNER, 'arn:aws:iam::*:root'] } }), ['arn:aws:iam::*:root']],
    ['a policy variable', allow({ Principal: { AWS: 'arn:aws:iam::${aws:username}:root' } }), ['arn:aws:iam::${aws:username}:root']],
    ['NotPrincipal', allow({ NotPrincipal: { AWS: PARTNER } }), ['NotPrincipal']],
    ['a condition that does not identify the caller (aws:SecureTransport)', allow({ Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), ['*']],
    ['a wildcard SourceArn', allow({ Principal: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } } }), ['*']],
    ['SourceAccount under StringEqualsIfExists (passes without the key)', allow({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': OWNER } } }), ['*']],
    ['SourceIp 0.0.0.0/0', allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }), ['*']],
    ['a negated operator', allow({ Principal: '*', Condition: { StringNotEquals: { 'aws:SourceAccount': OWNER } } }), ['*']],
  ])('finds %s public', (_kind, statement, expected) => {
    expect(publicPrincipals(statement).map((principal) => principal.value)).toEqual(expected);
  });

  it.each([
    ['a fixed account', allow({ Principal: { AWS: PARTNER } })],
    ['a service principal', allow({ Principal: { Service: 'sns.amazonaws.com' } })],
    ['a Deny to everyone', { Effect: 'Deny', Principal: '*', Action: 'sqs:*' }],
    ['SNS\'s default statement (AWS:SourceOwner, upper-case key)', allow({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'AWS:SourceOwner': OWNER } } })],
    ['a fixed SourceArn', allow({ Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:orders' } } })],
    ['a fixed PrincipalOrgID', allow({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } })],
    ['a fixed SourceVpce', allow({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } })],
    ['a fixed kms:CallerAccount', allow({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': OWNER } } })],
    ['a fixed CIDR', allow({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
  ])('finds %s not public', (_kind, statement) => {
    expect(publicPrincipals(statement)).toEqual([]);
  });

  it('reads a pin only in a string or ARN operator of a caller key', () => {
    expect(pinnedByCondition({ Condition: { StringLike: { 'aws:SourceAccount': ['111122223333', '444455556666'] } } })).toBe(true);
    expect(pinnedByCondition({ Condition: { NumericEquals: { 'aws:SourceAccount': 111122223333 } } })).toBe(false);
    expect(pinnedByCondition({ Condition: { StringEquals: { 'aws:SourceAccount': [] } } })).toBe(false);
    expect(pinnedByCondition({ Condition: { IpAddress: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:1:t' } } })).toBe(false);
  });
});

describe('isOtherAccount: S3.6 reads the Principal element only', () => {
  it.each([
    [{ type: 'AWS', value: PARTNER }, true],
    [{ type: 'AWS', value: '111122223333' }, true],
    [{ type: 'AWS', value: `arn:aws:iam::${OWNER}:role/deployer` }, false],
    [{ type: 'AWS', value: OWNER }, false],
    [{ type: 'AWS', value: 'AROAEXAMPLEUNIQUEID' }, true],
    [{ type: '*', value: '*' }, true],
    [{ type: 'CanonicalUser', value: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, true],
    [{ type: 'Service', value: 'logging.s3.amazonaws.com' }, false],
  ])('%j → %s', (principal, expected) => {
    expect(isOtherAccount(principal, OWNER)).toBe(expected);
  });

  it('reads the account of an AWS principal', () => {
    expect(accountOf('arn:aws-us-gov:sts::111122223333:assumed-role/r/s')).toBe('111122223333');
    expect(accountOf('AIDAEXAMPLE')).toBeUndefined();
  });
});

describe('grantedActions: IAM action matching', () => {
  const denied = ['s3:PutBucketPolicy', 's3:PutObjectAcl', 's3:DeleteBucketPolicy'];
  it('matches exact names, wildcards and case, and reads NotAction as every other action', () => {
    expect(actionMatches('S3:put*', 's3:PutBucketPolicy')).toBe(true);
    expect(actionMatches('s3:Put?bjectAcl', 's3:PutObjectAcl')).toBe(true);
    expect(actionMatches('s3:Get*', 's3:PutObjectAcl')).toBe(false);
    expect(grantedActions({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObjectAcl'] }, denied)).toEqual(['s3:PutObjectAcl']);
    expect(grantedActions({ Effect: 'Allow', Action: '*' }, denied)).toEqual(denied);
    expect(grantedActions({ Effect: 'Allow', NotAction: 's3:Put*' }, denied)).toEqual(['s3:DeleteBucketPolicy']);
    expect(grantedActions({ Effect: 'Deny', Action: 's3:*' }, denied)).toEqual([]);
  });
});

describe('removePrincipals', () => {
  const policy = {
    Version: '2012-10-17',
    Id: 'kept',
    Statement: [
      { Sid: 'Mixed', ...allow({ Principal: { AWS: [PARTNER, '*'], Service: 'sns.amazonaws.com' } }) },
      allow({ Principal: '*' }),
      { Sid: 'Partner', ...allow({ Principal: { AWS: PARTNER } }) },
    ],
  };

  it('removes only the picked principals, drops a statement left with none, and keeps the rest in place', () => {
    // Act
    const { policy: after, removals } = removePrincipals(policy, publicPrincipals);
    // Assess
    expect(after).toEqual({
      Version: '2012-10-17',
      Id: 'kept',
      Statement: [{ Sid: 'Mixed', ...allow({ Principal: { AWS: [PARTNER], Service: 'sns.amazonaws.com' } }) }, policy.Statement[2]],
    });
    expect(after.Statement).toContain(policy.Statement[2]);
    expect(removals.map(describeRemoval)).toEqual([
      'remove * from statement "Mixed" (it allows sqs:SendMessage); its other principals keep that access',
      'remove statement #2 (it allows sqs:SendMessage to *)',
    ]);
  });

  it('keeps a single-value principal a string and leaves a compliant policy untouched', () => {
    const single = { Statement: { ...allow({ Principal: { AWS: ['*', PARTNER] } }) } };
    expect(removePrincipals(single, publicPrincipals).policy.Statement).toEqual([allow({ Principal: { AWS: [PARTNER] } })]);
    const compliant = removePrincipals({ Statement: [policy.Statement[2]] }, publicPrincipals);
    expect(compliant.removals).toEqual([]);
  });
});

describe('parsePolicy and samePolicy', () => {
  it('refuses text that is not a policy with a typed error', () => {
    expect(() => parsePolicy('{not json', 'queue q')).toThrow(UnreadablePolicyError);
    expect(() => parsePolicy('{"Statement":["x"]}', 'queue q')).toThrow(/The policy of queue q is not a readable JSON policy/);
    expect(() => parsePolicy('[]', 'queue q')).toThrow(UnreadablePolicyError);
  });

  it('compares policies as JSON, whatever the whitespace and key order', () => {
    expect(samePolicy('{"a":1,"b":[1,2]}', '{ "b": [1, 2], "a": 1 }')).toBe(true);
    expect(samePolicy('{"a":1,"b":[2,1]}', '{"a":1,"b":[1,2]}')).toBe(false);
    expect(samePolicy(null, null)).toBe(true);
    expect(samePolicy(null, '{}')).toBe(false);
  });
});
