import { afterAll, describe, expect, it } from 'vitest';
import { resolveStateMachineDefinition } from '../../infra/resolveDefinition.js';
import { TAG_READ_PERMISSIONS } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, memberRoleActions } from '../../tasks/playbooks/registry.js';
import { removeOutdirs, templatesOf, testApp } from './testApp.js';

interface RoleJson {
  Type: string;
  Properties: {
    RoleName: string;
    MaxSessionDuration: number;
    AssumeRolePolicyDocument: { Statement: { Effect: string; Action: string; Principal: Record<string, unknown>; Condition?: unknown }[] };
    Policies: { PolicyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] } }[];
    ManagedPolicyArns?: unknown[];
  };
}

/** Flatten the `arn:${Partition}:iam::...` join the way CloudFormation would in the aws partition. */
function joined(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => joined(part, refs)).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref && refs[ref]) return refs[ref];
  throw new Error(`unexpected token ${JSON.stringify(value)}`);
}

/** The trust policy's AWS principals, flattened and sorted. */
function trustedArns(principal: unknown, refs: Record<string, string>): string[] {
  return [principal]
    .flat()
    .map((p) => joined(p, refs))
    .sort();
}

describe('RectifyMemberStack', () => {
  afterAll(removeOutdirs);

  function memberRole(rectify: Record<string, unknown>) {
    const { member } = templatesOf(testApp(rectify));
    const json = member.toJSON() as { Resources: Record<string, RoleJson>; Parameters?: Record<string, unknown>; Rules?: unknown };
    const roles = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    return { json, roles, role: roles[0]! };
  }

  it('holds one role whose policy is exactly the playbooks\' declared permissions', () => {
    // Prepare
    const expected = memberRoleActions(allPlaybooks(), TAG_READ_PERMISSIONS);

    // Act
    const { json, roles, role } = memberRole({ adminAccount: '111111111111' });
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);

    // Assess
    expect(Object.values(json.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    expect(roles).toHaveLength(1);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
    expect([statements[0]!.Action].flat().sort()).toEqual(expected);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties).toMatchObject({ RoleName: 'RectifyRemediationRole', MaxSessionDuration: 3600 });
  });

  it('trusts exactly the administrator account\'s two member-facing roles, by their exact ARNs', () => {
    // Act
    const { role } = memberRole({ adminAccount: '111111111111', memberRoleName: 'SecOpsRemediation' });
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;

    // Assess
    expect(role.Properties.RoleName).toBe('SecOpsRemediation');
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(trust[0]!.Condition).toBeUndefined();
    expect(Object.keys(trust[0]!.Principal)).toEqual(['AWS']);
    expect(trustedArns(trust[0]!.Principal.AWS, { 'AWS::Partition': 'aws' })).toEqual([
      'arn:aws:iam::111111111111:role/rectify-approval-request',
      'arn:aws:iam::111111111111:role/rectify-remediation-task',
    ]);
  });

  it('names exactly the roles of the admin stack that may assume it', () => {
    // Prepare
    const { admin } = templatesOf(testApp({ adminAccount: '111111111111' }));
    const resources = admin.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const assumers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((p) => (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).some((s) => [s.Action].flat().includes('sts:AssumeRole')))
      .flatMap((p) => (p.Properties.Roles as { Ref: string }[]).map((r) => resources[r.Ref]!.Properties.RoleName as string));

    // Act
    const { role } = memberRole({ adminAccount: '111111111111' });
    const trusted = trustedArns(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS, { 'AWS::Partition': 'aws' });

    // Assess
    expect(trusted.map((arn) => arn.split(':role/')[1]).sort()).toEqual([...assumers].sort());
  });

  it('is StackSets-friendly: no bootstrap check, and the admin account as a parameter when not configured', () => {
    // Act
    const { json, role } = memberRole({});
    const trusted = trustedArns(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS, {
      'AWS::Partition': 'aws',
      AdminAccountId: '999999999999',
    });

    // Assess
    expect(json.Rules).toBeUndefined();
    expect(Object.keys(json.Parameters ?? {})).toEqual(['AdminAccountId']);
    expect(trusted).toEqual([
      'arn:aws:iam::999999999999:role/rectify-approval-request',
      'arn:aws:iam::999999999999:role/rectify-remediation-task',
    ]);
    expect(() => resolveStateMachineDefinition(json)).toThrow(/no state machine/);
  });
});
