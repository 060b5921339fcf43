import { Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { PASS_ROLE, PLAYBOOK_RUNBOOKS } from '../../infra/automationRunbooks.js';
import { passedRoles } from '../../infra/passedRoles.js';
import { MemberRemediationRole } from '../../infra/constructs/MemberRemediationRole.js';
import { resolveStateMachineDefinition } from '../../infra/resolveDefinition.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { enableDeletionProtectionWithRunbook } from '../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { isReadAction } from '../../tasks/playbooks/readActions.js';
import { allPlaybooks, changeRoleActions } from '../../tasks/playbooks/registry.js';
import { resourcesFor } from '../../tasks/playbooks/resourceScopes.js';
import { removeOutdirs, templatesFor } from './testApp.js';

interface RoleJson {
  Type: string;
  Properties: {
    RoleName: string;
    MaxSessionDuration: number;
    AssumeRolePolicyDocument: { Statement: { Effect: string; Action: string; Principal: Record<string, unknown>; Condition?: unknown }[] };
    Policies: { PolicyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] } }[];
    ManagedPolicyArns?: unknown[];
  };
}

/** Flatten the `arn:${Partition}:iam::...` join or sub the way CloudFormation would in the aws partition. */
function joined(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => refs[name] ?? `\${${name}}`);
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

  /** The automation role the RDS.8 runbook playbook passes: its settings' default. */
  const AUTOMATION_ROLE = (enableDeletionProtectionWithRunbook.settings.parse({}) as { automationAssumeRoleName: string }).automationAssumeRoleName;
  const REFS = { 'AWS::Partition': 'aws', 'AWS::AccountId': '222222222222' };

  function memberRole(rectify: Record<string, unknown>) {
    const { member } = templatesFor(rectify);
    const json = member.toJSON() as { Resources: Record<string, RoleJson>; Parameters?: Record<string, unknown>; Rules?: unknown };
    const roles = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    const byName = (name: string) => roles.find((r) => r.Properties.RoleName === name)!;
    const memberRoleName = (rectify.memberRoleName as string | undefined) ?? 'RectifyRemediationRole';
    const readRoleName = (rectify.readRoleName as string | undefined) ?? 'RectifyReadRole';
    // The playbook statements sit in customer managed policies attached to the role (Roles: [{ Ref }]).
    for (const [logicalId, role] of Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const managed = Object.values(json.Resources as unknown as Record<string, ManagedPolicyJson>).filter(
        (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Roles.some((ref) => ref.Ref === logicalId),
      );
      managedStatements.set(role, managed.flatMap((m) => m.Properties.PolicyDocument.Statement));
    }
    return { json, roles, role: byName(memberRoleName), readRole: byName(readRoleName), automation: byName(AUTOMATION_ROLE) };
  }

  type ManagedPolicyJson = { Type: string; Properties: { Roles: { Ref?: string }[]; PolicyDocument: RoleJson['Properties']['Policies'][number]['PolicyDocument'] } };
  /** Statements of the customer managed policies attached to each role of the last synthesized member stack. */
  const managedStatements = new WeakMap<RoleJson, RoleJson['Properties']['Policies'][number]['PolicyDocument']['Statement']>();
  /** A role's statements: its inline policies and the customer managed policies attached to it. */
  const allStatementsOf = (role: RoleJson) => [...(role.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement), ...(managedStatements.get(role) ?? [])];
  /** The guard that keeps a role from editing Rectify's own policies (infra/playbookStatements.ts `ownPoliciesGuard`). */
  const isOwnPoliciesGuard = (s: { Sid?: string }) => s.Sid === 'NeverEditRectifysOwnPolicies';
  /** A role's granting statements: all but the guard. */
  const statementsOf = (role: RoleJson) => allStatementsOf(role).filter((s) => !isOwnPoliciesGuard(s as { Sid?: string }));
  const actionsOf = (role: RoleJson) => statementsOf(role).flatMap((s) => [s.Action].flat()).sort();
  /** Each action with the resources its statement names, as CloudFormation resolves them in member account 222222222222. */
  const scopeOf = (role: RoleJson) =>
    Object.fromEntries(
      statementsOf(role)
        .filter((s) => s.Action !== PASS_ROLE)
        .flatMap((s) => [s.Action].flat().map((action) => [action, [s.Resource].flat().map((r) => joined(r, REFS)).sort()])),
    );
  const expectedScope = (actions: readonly string[]) =>
    Object.fromEntries(actions.filter((a) => a !== PASS_ROLE).map((a) => [a, resourcesFor(a, { partition: 'aws', account: '222222222222' }).sort()]));
  const trustedNames = (role: RoleJson, refs: Record<string, string> = { 'AWS::Partition': 'aws' }) =>
    trustedArns(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Principal.AWS, refs);

  it('holds the change role: exactly the union of the playbooks\' declared permissions, with iam:PassRole scoped to the automation role and SSM', () => {
    // Prepare
    const expected = changeRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks()));

    // Act
    const { json, roles, role } = memberRole({ adminAccount: '111111111111' });
    const statements = statementsOf(role);
    const passRole = statements.filter((s) => [s.Action].flat().includes(PASS_ROLE));

    // Assess
    // Three roles; the playbook statements in customer managed policies of at most 2,048 characters each, none unattached.
    expect(roles).toHaveLength(3);
    const managed = Object.values(json.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy') as unknown as ManagedPolicyJson[];
    expect(Object.values(json.Resources).filter((r) => r.Type !== 'AWS::IAM::Role' && r.Type !== 'AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(managed.length).toBeGreaterThan(1);
    expect(managed.every((m) => m.Properties.Roles.length === 1)).toBe(true);
    expect(role.Properties.Policies ?? []).toEqual([]);
    expect(expected).toContain(PASS_ROLE);
    // iam:PassRole sits in one statement per service it is passed to.
    expect([...new Set(statements.flatMap((s) => [s.Action].flat()))].sort()).toEqual(expected);
    // Each action on its resource types in the member account, `*` only where IAM has none (tasks/playbooks/resourceScopes.ts).
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(scopeOf(role)).toEqual(expectedScope(expected));
    expect(scopeOf(role)['s3:PutBucketPolicy']).toEqual(['arn:aws:s3:::*']);
    expect(scopeOf(role)['iam:UpdateAccessKey']).toEqual(['arn:aws:iam::222222222222:user/*']);
    expect(scopeOf(role)['ec2:DescribeSecurityGroups']).toEqual(['*']);
    const passed = passedRoles(allPlaybooks());
    expect(passRole).toHaveLength(1 + new Set(passed.map((r) => r.service)).size);
    const ssm = passRole.find((p) => (p.Condition as any)?.StringEquals?.['iam:PassedToService'] === 'ssm.amazonaws.com');
    expect(ssm).toMatchObject({ Effect: 'Allow', Action: PASS_ROLE });
    expect(joined(ssm!.Resource, REFS)).toBe(`arn:aws:iam::222222222222:role/${AUTOMATION_ROLE}`);
    for (const { roleName, service } of passed) {
      const statement = passRole.find((p) => (p.Condition as any)?.StringEquals?.['iam:PassedToService'] === service);
      expect([statement!.Resource].flat().map((r) => joined(r, REFS))).toContain(`arn:aws:iam::222222222222:role/${roleName}`);
    }
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties).toMatchObject({ RoleName: 'RectifyRemediationRole', MaxSessionDuration: 3600 });
    // It may edit the account's customer managed policies (IAM.1), never Rectify's own: all under /rectify/, denied by name.
    expect(managed.every((m) => (m.Properties as { Path?: string }).Path === '/rectify/')).toBe(true);
    const guards = allStatementsOf(role).filter((s) => isOwnPoliciesGuard(s as { Sid?: string }));
    expect(guards).toHaveLength(1);
    expect(guards[0]).toMatchObject({ Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'] });
    expect(joined(guards[0]!.Resource, REFS)).toBe('arn:aws:iam::222222222222:policy/rectify/*');
    expect(expected).toEqual(expect.arrayContaining(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion']));
  });

  it('holds the read role: only read actions — the playbooks\' declared reads and the tag reads — and no iam:PassRole', () => {
    // Prepare
    const declared = [...new Set(allPlaybooks().flatMap((p) => p.permissions))];
    const tagReads = tagReadPermissionsFor(allPlaybooks());

    // Act
    const { readRole, role } = memberRole({ adminAccount: '111111111111' });
    const reads = actionsOf(readRole);
    const changes = actionsOf(role);

    // Assess: reads only, and exactly the reads
    expect(reads.filter((a) => !isReadAction(a))).toEqual([]);
    expect(reads).toEqual([...new Set([...declared.filter(isReadAction), ...tagReads])].sort());
    expect(reads).not.toContain(PASS_ROLE);
    expect(reads).not.toContain('s3:PutBucketPolicy');
    expect(statementsOf(readRole).every((s) => s.Effect === 'Allow' && !s.Condition)).toBe(true);
    expect(scopeOf(readRole)).toEqual(expectedScope(reads));
    expect(readRole.Properties).toMatchObject({ RoleName: 'RectifyReadRole', MaxSessionDuration: 3600 });
    expect(readRole.Properties.ManagedPolicyArns).toBeUndefined();
    // Every declared action lands in one of the two roles: the change role holds them all.
    expect(declared.filter((a) => !reads.includes(a) && !changes.includes(a))).toEqual([]);
    expect(declared.filter((a) => !changes.includes(a))).toEqual([]);
    expect(declared.some((a) => !isReadAction(a))).toBe(true);
  });

  it('refuses a read-only role given a write, and a read role that passes roles', () => {
    // Prepare
    const props = { roleName: 'RectifyReadRole', readOnly: true, trustedRoleArns: ['arn:aws:iam::111111111111:role/rectify-remediation-task'] };

    // Act + Assess
    expect(() => new MemberRemediationRole(new Stack(), 'Read', { ...props, actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'] })).toThrow(
      /RectifyReadRole is read-only but is given s3:PutBucketPolicy/,
    );
    expect(() => new MemberRemediationRole(new Stack(), 'Read', { ...props, actions: ['sts:GetSessionToken'] })).toThrow(/not a read action/);
    expect(
      () =>
        new MemberRemediationRole(new Stack(), 'Read', {
          ...props,
          actions: ['rds:DescribeDBInstances'],
          passableRoles: [{ roleArn: 'arn:aws:iam::222222222222:role/RectifyAutomationRole', service: 'ssm.amazonaws.com' }],
        }),
    ).toThrow(/read-only; it passes no role/);
  });

  it('never grants iam:PassRole on "*", in the member stack or with the admin stack\'s same-account shortcut', () => {
    // Prepare
    const stacks = templatesFor({ adminAccount: '111111111111', sameAccountShortcut: true });
    const statements = [stacks.member, stacks.admin].flatMap((t) => {
      const resources = Object.values(t.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
      return [
        ...resources.filter((r) => r.Type === 'AWS::IAM::Role').flatMap((r) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)),
        ...resources.filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy').flatMap((r) => r.Properties.PolicyDocument.Statement),
      ] as { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    });

    // Act
    const passRole = statements.filter((s) => [s.Action].flat().some((a) => a === PASS_ROLE || a === 'iam:*' || a === '*'));

    // Assess: in the member role and in the shortcut policy, one per service, each on exact role ARNs (or a rectify-<purpose>-*
    // prefix of roles a playbook creates per region), each only to its service
    const passed = passedRoles(allPlaybooks());
    const services = new Set(['ssm.amazonaws.com', ...passed.map((r) => r.service)]);
    expect(passRole).toHaveLength(2 * services.size);
    for (const statement of passRole) {
      expect([statement.Action].flat()).toEqual([PASS_ROLE]);
      const arns = [statement.Resource].flat().map((r) => joined(r, { ...REFS, 'AWS::AccountId': '111111111111' }));
      expect(arns).not.toContain('*');
      const service = (statement.Condition as { StringEquals: Record<string, string> }).StringEquals['iam:PassedToService']!;
      expect([...services]).toContain(service);
      expect(statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': service } });
      const names = service === 'ssm.amazonaws.com' ? [AUTOMATION_ROLE] : passed.filter((r) => r.service === service).map((r) => r.roleName);
      for (const arn of arns) expect(names.map((n) => `arn:aws:iam::111111111111:role/${n}`).concat(names.map((n) => `arn:aws:iam::222222222222:role/${n}`))).toContain(arn);
    }
  });

  it('creates the runbook\'s automation role: assumable only by SSM Automation of this account, with exactly the runbook\'s actions', () => {
    // Prepare
    const runbook = PLAYBOOK_RUNBOOKS[enableDeletionProtectionWithRunbook.id]!;

    // Act
    const { automation } = memberRole({ adminAccount: '111111111111' });
    const trust = automation.Properties.AssumeRolePolicyDocument.Statement;
    const statements = statementsOf(automation);

    // Assess
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ssm.amazonaws.com' } });
    expect(trust[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': expect.anything() },
    });
    const { ArnLike } = trust[0]!.Condition as { ArnLike: { 'aws:SourceArn': unknown } };
    expect(joined(ArnLike['aws:SourceArn'], REFS)).toBe('arn:aws:ssm:*:222222222222:automation-execution/*');
    expect(statements).toHaveLength(1);
    expect([statements[0]!.Action].flat().sort()).toEqual(['rds:DescribeDBInstances', 'rds:ModifyDBInstance']);
    expect([statements[0]!.Action].flat().sort()).toEqual([...runbook.actions].sort());
    expect(joined(statements[0]!.Resource, REFS)).toBe('arn:aws:rds:*:222222222222:db:*');
    expect(automation.Properties).toMatchObject({ RoleName: 'RectifyAutomationRole', MaxSessionDuration: 3600 });
    expect(automation.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets only the change task role assume the change role, and the read-side task roles the read role, by their exact ARNs', () => {
    // Act
    const { role, readRole } = memberRole({ adminAccount: '111111111111', memberRoleName: 'SecOpsRemediation', readRoleName: 'SecOpsRead' });

    // Assess
    expect(role.Properties.RoleName).toBe('SecOpsRemediation');
    expect(readRole.Properties.RoleName).toBe('SecOpsRead');
    for (const r of [role, readRole]) {
      const trust = r.Properties.AssumeRolePolicyDocument.Statement;
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
      expect(trust[0]!.Condition).toBeUndefined();
      expect(Object.keys(trust[0]!.Principal)).toEqual(['AWS']);
    }
    expect(trustedNames(role)).toEqual(['arn:aws:iam::111111111111:role/rectify-change-task']);
    expect(trustedNames(readRole)).toEqual([
      'arn:aws:iam::111111111111:role/rectify-approval-request',
      'arn:aws:iam::111111111111:role/rectify-classify-task',
      'arn:aws:iam::111111111111:role/rectify-remediation-task',
    ]);
  });

  it('names exactly the roles of the admin stack that may assume each member role', () => {
    // Prepare
    const { admin } = templatesFor({ adminAccount: '111111111111' });
    const resources = admin.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const assumersOf = (memberRoleName: string) =>
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .filter((p) =>
          (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
            (s) => [s.Action].flat().includes('sts:AssumeRole') && [s.Resource].flat().some((r) => String(r).endsWith(`:role/${memberRoleName}`)),
          ),
        )
        .flatMap((p) => (p.Properties.Roles as { Ref: string }[]).map((r) => resources[r.Ref]!.Properties.RoleName as string));

    // Act
    const { role, readRole } = memberRole({ adminAccount: '111111111111' });

    // Assess
    for (const r of [role, readRole]) {
      expect(trustedNames(r).map((arn) => arn.split(':role/')[1]).sort(), r.Properties.RoleName).toEqual([...assumersOf(r.Properties.RoleName)].sort());
    }
    expect(assumersOf('RectifyRemediationRole')).toEqual(['rectify-change-task']);
  });

  it('is StackSets-friendly: no bootstrap check, and the admin account as a parameter when not configured', () => {
    // Act
    const { json, role, readRole } = memberRole({});
    const refs = { 'AWS::Partition': 'aws', AdminAccountId: '999999999999' };

    // Assess
    expect(json.Rules).toBeUndefined();
    expect(Object.keys(json.Parameters ?? {})).toEqual(['AdminAccountId']);
    expect(trustedNames(role, refs)).toEqual(['arn:aws:iam::999999999999:role/rectify-change-task']);
    expect(trustedNames(readRole, refs)).toEqual([
      'arn:aws:iam::999999999999:role/rectify-approval-request',
      'arn:aws:iam::999999999999:role/rectify-classify-task',
      'arn:aws:iam::999999999999:role/rectify-remediation-task',
    ]);
    expect(() => resolveStateMachineDefinition(json)).toThrow(/no state machine/);
  });
});
