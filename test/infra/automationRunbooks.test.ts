import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { automationRoles, PASS_ROLE, PLAYBOOK_RUNBOOKS, SSM_SERVICE } from '../../infra/automationRunbooks.js';
import { MemberRemediationRole } from '../../infra/constructs/MemberRemediationRole.js';
import { PLAYBOOK_PASSED_ROLES } from '../../infra/passedRoles.js';
import type { Playbook } from '../../tasks/playbooks/definePlaybook.js';
import {
  DELETION_PROTECTION_RUNBOOK,
  enableDeletionProtectionWithRunbook,
} from '../../tasks/playbooks/rds/enableDeletionProtectionWithRunbook.js';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';

const runbookPlaybook = enableDeletionProtectionWithRunbook as unknown as Playbook;

describe('automationRoles', () => {
  it('derives one automation role from the registry: the playbook\'s default role name and its runbook\'s actions', () => {
    // Act
    const roles = automationRoles(allPlaybooks());

    // Assess
    expect(roles.map(({ roleName, actions, runbooks }) => ({ roleName, actions, runbooks }))).toEqual([
      { roleName: 'RectifyAutomationRole', actions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'], runbooks: [DELETION_PROTECTION_RUNBOOK] },
    ]);
    expect(roles[0]!.resources({ partition: 'aws', account: '222222222222' })).toEqual(['arn:aws:rds:*:222222222222:db:*']);
  });

  it('covers every registered playbook that declares iam:PassRole, and lists runbook actions without wildcards', () => {
    // Prepare
    const passing = allPlaybooks().filter((p) => p.permissions.includes(PASS_ROLE));

    // Assess: each in exactly one of the two registries (runbooks, or roles passed to a service directly)
    expect(passing.filter((p) => !PLAYBOOK_PASSED_ROLES[p.id]).map((p) => p.id)).toEqual(Object.keys(PLAYBOOK_RUNBOOKS));
    expect(passing.filter((p) => PLAYBOOK_PASSED_ROLES[p.id]).map((p) => p.id).sort()).toEqual(Object.keys(PLAYBOOK_PASSED_ROLES).sort());
    expect(Object.keys(PLAYBOOK_PASSED_ROLES).filter((id) => PLAYBOOK_RUNBOOKS[id])).toEqual([]);
    for (const runbook of Object.values(PLAYBOOK_RUNBOOKS)) {
      expect(runbook.actions.length).toBeGreaterThan(0);
      expect(runbook.actions.filter((a) => a.includes('*'))).toEqual([]);
    }
  });

  it('refuses a playbook that passes a role without a runbook entry', () => {
    // Act + Assess
    expect(() => automationRoles([runbookPlaybook], {})).toThrow(
      /playbook rds-enable-instance-deletion-protection-runbook declares iam:PassRole: add the runbook it runs .* PLAYBOOK_RUNBOOKS/,
    );
  });

  it('refuses a playbook that passes a role but names no default automation role', () => {
    // Prepare
    const unnamed = { ...runbookPlaybook, settings: z.object({}) } as Playbook;

    // Act + Assess
    expect(() => automationRoles([unnamed])).toThrow(/has no default automationAssumeRoleName setting/);
  });

  it('gives no role when no playbook passes one', () => {
    // Act + Assess
    expect(automationRoles(allPlaybooks().filter((p) => !p.permissions.includes(PASS_ROLE)))).toEqual([]);
  });
});

describe('MemberRemediationRole and iam:PassRole', () => {
  const trustedRoleArns = ['arn:aws:iam::111111111111:role/rectify-remediation-task'];
  const build = (actions: string[], passableRoles?: { roleArn: string; service: string }[]) =>
    new MemberRemediationRole(new Stack(new App()), 'Role', {
      roleName: 'RectifyRemediationRole',
      trustedRoleArns,
      actions,
      ...(passableRoles ? { passableRoles } : {}),
    });

  it('refuses iam:PassRole without the roles it may pass: it is never granted on "*"', () => {
    // Act + Assess
    expect(() => build(['rds:ModifyDBInstance', PASS_ROLE])).toThrow(/never granted on "\*"/);
  });

  it('refuses a wildcard or non-role ARN to pass', () => {
    // Act + Assess
    expect(() => build([PASS_ROLE], [{ roleArn: 'arn:aws:iam::222222222222:role/*', service: SSM_SERVICE }])).toThrow(/not one exact role ARN/);
    expect(() => build([PASS_ROLE], [{ roleArn: '*', service: SSM_SERVICE }])).toThrow(/not one exact role ARN/);
    expect(() => build([PASS_ROLE], [{ roleArn: 'arn:aws:iam::222222222222:role/rectify-*', service: SSM_SERVICE }])).toThrow(/not one exact role ARN/);
    expect(() => build([PASS_ROLE], [{ roleArn: 'arn:aws:iam::222222222222:role/rectify-flow-*-x', service: SSM_SERVICE }])).toThrow(/not one exact role ARN/);
  });

  it('refuses roles to pass when no playbook declares iam:PassRole', () => {
    // Act + Assess
    expect(() => build(['rds:ModifyDBInstance'], [{ roleArn: 'arn:aws:iam::222222222222:role/RectifyAutomationRole', service: SSM_SERVICE }])).toThrow(
      /no playbook declares iam:PassRole/,
    );
  });
});
