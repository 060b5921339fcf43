import { describe, expect, it } from 'vitest';
import { matchesExpectation, showsAny } from '../../workflows/local/awsCall.js';

const SSH_WORLD = { IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', SecurityGroupRuleId: 'sgr-1' };
const HTTPS_WORLD = { IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0', SecurityGroupRuleId: 'sgr-2' };
const EGRESS_ALL = { IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0', SecurityGroupRuleId: 'sgr-3' };
/** A DescribeSecurityGroupRules response, as moto returns it. */
const RULES = { SecurityGroupRules: [SSH_WORLD, HTTPS_WORLD, EGRESS_ALL] };

describe('matchesExpectation: what a scenario\'s `match` demands of a response', () => {
  it('objects: every expected key with a matching value; keys the expectation does not name are free', () => {
    // Prepare
    const response = { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: false }, RequestCharged: 'requester' };
    // Act + Assess
    expect(matchesExpectation(response, { PublicAccessBlockConfiguration: { BlockPublicAcls: true } })).toBe(true);
    expect(matchesExpectation(response, { PublicAccessBlockConfiguration: { IgnorePublicAcls: true } })).toBe(false);
    expect(matchesExpectation(response, { PublicAccessBlockConfiguration: { BlockPublicPolicy: false } })).toBe(false); // absent is not false
    expect(matchesExpectation(response, {})).toBe(true);
  });

  it('arrays: every element listed, in any order, each a deep subset of its own actual element', () => {
    const all = { SecurityGroupRules: [{ IsEgress: true }, { FromPort: 443 }, { FromPort: 22, CidrIpv4: '0.0.0.0/0' }] };
    expect(matchesExpectation(RULES, all)).toBe(true);
  });

  it('arrays: an extra actual element fails — the expectation names the whole list', () => {
    // The audit's case: port 22 left open while the expectation lists only what should remain.
    expect(matchesExpectation(RULES, { SecurityGroupRules: [{ FromPort: 443 }, { IsEgress: true }] })).toBe(false);
    expect(matchesExpectation({ AttributeValues: ['all', '333333333333'] }, { AttributeValues: ['333333333333'] })).toBe(false);
  });

  it('arrays: a missing element fails, and so does one actual element answering for two expected ones', () => {
    expect(matchesExpectation({ SecurityGroupRules: [HTTPS_WORLD, EGRESS_ALL] }, { SecurityGroupRules: [{ FromPort: 443 }, { FromPort: 22 }] })).toBe(false);
    expect(matchesExpectation({ Tags: [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'prod' }] }, { Tags: [{ Key: 'team' }, { Key: 'team' }] })).toBe(false);
    expect(matchesExpectation({ Values: ['a', 'a'] }, { Values: ['a', 'b'] })).toBe(false);
    expect(matchesExpectation({ Values: ['b', 'a'] }, { Values: ['a', 'b'] })).toBe(true);
  });

  it('arrays: pairs elements one-to-one even where a greedy first fit would not', () => {
    // The first expected element fits both actual ones; only pairing it with the second leaves the first for {a:1, b:2}.
    expect(matchesExpectation([{ a: 1, b: 2 }, { a: 1 }], [{ a: 1 }, { a: 1, b: 2 }])).toBe(true);
    expect(matchesExpectation([{ a: 1, c: 3 }, { a: 1, b: 2 }, { a: 1 }], [{ a: 1 }, { b: 2 }, { c: 3 }])).toBe(true);
    expect(matchesExpectation([{ a: 1, b: 2 }, { a: 1 }], [{ a: 1, b: 2 }, { b: 2 }])).toBe(false);
  });

  it('an empty expected array demands an empty list; nested arrays follow the same rule', () => {
    expect(matchesExpectation({ SecurityGroupRules: [] }, { SecurityGroupRules: [] })).toBe(true);
    expect(matchesExpectation(RULES, { SecurityGroupRules: [] })).toBe(false);
    const reservations = { Reservations: [{ Instances: [{ InstanceId: 'i-1', MetadataOptions: { HttpTokens: 'required' } }, { InstanceId: 'i-2' }] }] };
    expect(matchesExpectation(reservations, { Reservations: [{ Instances: [{ MetadataOptions: { HttpTokens: 'required' } }, {}] }] })).toBe(true);
    expect(matchesExpectation(reservations, { Reservations: [{ Instances: [{ MetadataOptions: { HttpTokens: 'required' } }] }] })).toBe(false);
  });

  it('kinds must agree: an array is not an object, null only matches null, scalars compare with ===', () => {
    expect(matchesExpectation({ Tags: [{ Key: 'a' }] }, { Tags: { Key: 'a' } })).toBe(false);
    expect(matchesExpectation({ Tags: { 0: { Key: 'a' } } }, { Tags: [{ Key: 'a' }] })).toBe(false);
    expect(matchesExpectation({ Status: null }, { Status: null })).toBe(true);
    expect(matchesExpectation({ Status: undefined }, { Status: null })).toBe(false);
    expect(matchesExpectation({ Port: '22' }, { Port: 22 })).toBe(false);
  });
});

describe('showsAny: what a scenario\'s `absent` forbids in a response', () => {
  it('an array lists forbidden things: any one of them in any element is shown', () => {
    // Both world-open SSH rules are forbidden; one left open is enough to fail.
    const forbidden = { SecurityGroupRules: [{ FromPort: 22, CidrIpv4: '0.0.0.0/0' }, { FromPort: 22, CidrIpv6: '::/0' }] };
    expect(showsAny(RULES, forbidden)).toBe(true);
    expect(showsAny({ SecurityGroupRules: [HTTPS_WORLD, EGRESS_ALL] }, forbidden)).toBe(false);
  });

  it('an object describes one thing: all its keys must be shown by the same element', () => {
    expect(showsAny(RULES, { SecurityGroupRules: [{ FromPort: 22, CidrIpv4: '10.0.0.0/8' }] })).toBe(false);
    expect(showsAny(RULES, { SecurityGroupRules: [{ IsEgress: true, FromPort: 22 }] })).toBe(false);
  });

  it('`[{}]` forbids every element: only an empty list passes', () => {
    expect(showsAny(RULES, { SecurityGroupRules: [{}] })).toBe(true);
    expect(showsAny({ SecurityGroupRules: [] }, { SecurityGroupRules: [{}] })).toBe(false);
  });

  it('nested arrays: a forbidden value inside a list of values is found', () => {
    const attributes = { DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: ['333333333333', 'all'] }] } };
    expect(showsAny(attributes, { DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeValues: ['all'] }] } })).toBe(true);
    expect(showsAny(attributes, { DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeValues: ['444444444444'] }] } })).toBe(false);
  });

  it('a missing key or a different kind is not shown', () => {
    expect(showsAny({}, { SecurityGroupRules: [{}] })).toBe(false);
    expect(showsAny({ Status: 'Active' }, { Status: ['Active'] })).toBe(false);
    expect(showsAny({ AccessKeyMetadata: [{ Status: 'Inactive' }, { Status: 'Active' }] }, { AccessKeyMetadata: [{ Status: 'Active' }] })).toBe(true);
  });
});
