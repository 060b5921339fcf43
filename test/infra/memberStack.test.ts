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

  it('trusts only the administrator account\'s task role, by its exact ARN', () => {
    // Act
    const { role } = memberRole({ adminAccount: '111111111111', memberRoleName: 'SecOpsRemediation' });
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;

    // Assess
    expect(role.Properties.RoleName).toBe('SecOpsRemediation');
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(Object.keys(trust[0]!.Principal)).toEqual(['AWS']);
    expect(joined(trust[0]!.Principal.AWS, { 'AWS::Partition': 'aws' })).toBe(
      'arn:aws:iam::111111111111:role/rectify-remediation-task',
    );
  });

  it('names the task role the admin stack creates', () => {
    // Prepare
    const { admin } = templatesOf(testApp({ adminAccount: '111111111111' }));
    const roleNames = Object.values(admin.findResources('AWS::IAM::Role')).map(
      (r) => (r as { Properties: { RoleName?: string } }).Properties.RoleName,
    );

    // Act
    const { role } = memberRole({ adminAccount: '111111111111' });
    const trusted = joined(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS, { 'AWS::Partition': 'aws' });

    // Assess
    expect(roleNames).toContain(trusted.split(':role/')[1]);
  });

  it('is StackSets-friendly: no bootstrap check, and the admin account as a parameter when not configured', () => {
    // Act
    const { json, role } = memberRole({});
    const trusted = joined(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS, {
      'AWS::Partition': 'aws',
      AdminAccountId: '999999999999',
    });

    // Assess
    expect(json.Rules).toBeUndefined();
    expect(Object.keys(json.Parameters ?? {})).toEqual(['AdminAccountId']);
    expect(trusted).toBe('arn:aws:iam::999999999999:role/rectify-remediation-task');
    expect(() => resolveStateMachineDefinition(json)).toThrow(/no state machine/);
  });
});
