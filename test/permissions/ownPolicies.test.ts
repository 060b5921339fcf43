import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, describe, expect, it } from 'vitest';
import { removeOutdirs, templatesFor } from '../infra/testApp.js';
import { LOCAL_APP_CONFIGURATION, LOCAL_POLICY_WORLD } from './localWorld.js';
import { SynthesizedPolicies, type EvaluatedRole } from './SynthesizedPolicies.js';

const MEMBER = '222222222222';

/** What IAM answers for `role` doing `action` on `resource` in `account`, from the synthesized policies alone. */
async function decide(role: EvaluatedRole, action: string, resource: string, account: string): Promise<string> {
  const answer = await runSimulation(
    {
      request: { principal: role.arn, action, resource: { resource, accountId: account }, contextVariables: { 'aws:SecureTransport': 'true' } },
      identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return answer.resultType === 'error' ? `Error: ${JSON.stringify(answer.errors)}` : answer.overallResult;
}

describe("the roles that may edit the account's customer managed policies (IAM.1) cannot edit Rectify's own", () => {
  afterAll(removeOutdirs);
  const { admin, member } = templatesFor(LOCAL_APP_CONFIGURATION);
  const policies = new SynthesizedPolicies({ admin: admin.toJSON(), member: member.toJSON() }, LOCAL_POLICY_WORLD);
  const EDITS = ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'];

  it.each(EDITS)('the member change role: %s on a Rectify policy (/rectify/) is explicitly denied', async (action) => {
    // Prepare
    const role = policies.memberRole('change', MEMBER);
    // Act
    const own = await decide(role, action, `arn:aws:iam::${MEMBER}:policy/rectify/RectifyMember-PlaybookPermissions1-ABC123`, MEMBER);
    // Assess
    expect(own).toBe('ExplicitlyDenied');
  });

  it("the member change role may still write a new default version of the account's other policies, as IAM.1 does", async () => {
    // Prepare
    const role = policies.memberRole('change', MEMBER);
    // Act
    const answers = await Promise.all(EDITS.slice(0, 3).map((action) => decide(role, action, `arn:aws:iam::${MEMBER}:policy/team-admin`, MEMBER)));
    // Assess
    expect(answers).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  it("the same-account shortcut's change task role (Remediate, Rollback) is held the same way in the administrator account", async () => {
    // Prepare
    const role = policies.functionRole('remediate');
    const account = LOCAL_POLICY_WORLD.adminAccount;
    // Act
    const answers = await Promise.all(EDITS.map((action) => decide(role, action, `arn:aws:iam::${account}:policy/rectify/RectifyAdmin-SameAccountPlaybook1-XYZ`, account)));
    // Assess
    expect(answers).toEqual(EDITS.map(() => 'ExplicitlyDenied'));
    expect(await decide(role, 'iam:CreatePolicyVersion', `arn:aws:iam::${account}:policy/team-admin`, account)).toBe('Allowed');
  });
});
