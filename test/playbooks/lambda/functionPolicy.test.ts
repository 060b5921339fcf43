import { describe, expect, it } from 'vitest';
import { isPublic, isUnscopedS3, normalise, toAddPermission, type PolicyStatement } from '../../../tasks/playbooks/lambda/functionPolicy.js';

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:orders';
/** A statement as Lambda's GetPolicy returns it in AWS (not moto). */
const statement = (fields: PolicyStatement): PolicyStatement =>
  normalise({ Sid: 's', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION, ...fields });

describe('which Lambda policy statements are public (Lambda.1)', () => {
  it.each([
    ['principal "*" with no condition', {}],
    ['principal {"AWS":"*"}', { Principal: { AWS: '*' } }],
    ['principal {"AWS":["*"]}', { Principal: { AWS: ['*'] } }],
    ['a principal ARN with a wildcard account', { Principal: { AWS: 'arn:aws:iam::*:root' } }],
    ['an empty principal', { Principal: {} }],
    ['everyone but a NotPrincipal', { Principal: null, NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' } }],
    ['a public function URL', { Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } }],
    ['a condition on the network only (aws:SourceIp)', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
    ['a source account with a wildcard', { Condition: { StringLike: { 'AWS:SourceAccount': '12345678901*' } } }],
    ['a source ARN with a wildcard', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } } }],
    ['a policy variable', { Condition: { StringEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalTag/org}' } } }],
  ])('public: %s', (_kind, fields) => {
    expect(isPublic(statement(fields))).toBe(true);
  });

  it.each([
    ['an account principal', { Principal: { AWS: 'arn:aws:iam::222222222222:root' } }],
    ['a service principal', { Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/r' } } }],
    ['"*" limited to a source account', { Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' } } }],
    ['"*" limited to a source ARN', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } } }],
    ['"*" limited to an organisation', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } }],
    ['a Deny', { Effect: 'Deny' }],
  ])('not public: %s', (_kind, fields) => {
    expect(isPublic(statement(fields))).toBe(false);
  });

  it('flags Amazon S3 without AWS:SourceAccount, whichever bucket it names, and accepts it with one', () => {
    const s3 = { Principal: { Service: 's3.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } } };
    expect(isUnscopedS3(statement(s3))).toBe(true);
    expect(isUnscopedS3(statement({ ...s3, Principal: { Service: ['s3.amazonaws.com', 'sns.amazonaws.com'] } }))).toBe(true);
    expect(isUnscopedS3(statement({ ...s3, Condition: { ...s3.Condition, StringEquals: { 'AWS:SourceAccount': '123456789012' } } }))).toBe(false);
  });
});

describe('normalising a statement', () => {
  it('reads {"AWS":"*"} as "*", drops empty condition blocks and folds moto\'s top-level FunctionUrlAuthType into a condition', () => {
    const moto = { Sid: 'url', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'lambda:InvokeFunctionUrl', Resource: FUNCTION, FunctionUrlAuthType: 'NONE', Condition: { ArnLike: {} } };
    expect(normalise(moto)).toEqual({
      Sid: 'url',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Resource: FUNCTION,
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    });
  });
});

describe('writing a removed statement back', () => {
  it('maps each condition AddPermission writes to its parameter', () => {
    const url = statement({
      Sid: 'url',
      Action: 'lambda:InvokeFunctionUrl',
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' }, Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    });
    expect(toAddPermission(url, FUNCTION)).toEqual({
      FunctionName: FUNCTION,
      StatementId: 'url',
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
      InvokedViaFunctionUrl: true,
    });
  });

  it.each([
    ['a qualified resource (an alias)', { Resource: `${FUNCTION}:live` }, /is not the function/],
    ['several actions', { Action: ['lambda:InvokeFunction', 'lambda:GetFunction'] }, /one action/],
    ['no Sid', { Sid: null }, /no Sid/],
    ['a condition with no AddPermission parameter', { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }, /cannot write its condition IpAddress aws:SourceIp/],
    ['an element AddPermission does not write', { NotResource: 'x' }, /elements AddPermission does not write \(NotResource\)/],
  ])('refuses %s', (_kind, fields, reason) => {
    expect(toAddPermission(statement(fields), FUNCTION)).toMatch(reason);
  });
});
