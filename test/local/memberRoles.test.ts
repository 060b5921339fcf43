import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor } from '../../tasks/aws/clientFactory.js';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { isReadAction } from '../../tasks/playbooks/readActions.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT, LOCAL_MEMBER_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { guardMemberRoles } from '../../workflows/local/memberRoleGuard.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { checkExpectations, loadScenario, runScenario, type Scenario } from '../../workflows/local/scenario.js';
import { recordCalls } from '../../workflows/local/sdkFaults.js';
import { TASK_HANDLERS, type TaskHandlerName } from '../../workflows/remediationWorkflow.js';
import { useMoto } from '../support/moto.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');
const READ_ROLE = `arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:role/${LOCAL_NAMES.memberRoles.read}`;
const CHANGE_ROLE = `arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:role/${LOCAL_NAMES.memberRoles.change}`;

/** The same scenario with its resource and finding in the member account. */
function inMemberAccount(scenario: Scenario): Scenario {
  const moved = JSON.parse(JSON.stringify(scenario).replaceAll(LOCAL_ADMIN_ACCOUNT, LOCAL_MEMBER_ACCOUNT)) as Scenario;
  const there = <T extends { account?: string }>(steps: readonly T[]): T[] => steps.map((step) => ({ account: LOCAL_MEMBER_ACCOUNT, ...step }));
  return {
    ...moved,
    setup: there(moved.setup),
    afterImport: there(moved.afterImport),
    duringApproval: there(moved.duringApproval),
    ...(moved.expect ? { expect: { ...moved.expect, ...(moved.expect.state ? { state: there(moved.expect.state) } : {}) } } : {}),
  };
}

describe('member read and change roles in the local runtime (docs/decisions/010)', () => {
  const aws = useMoto();

  describe('provisioning', () => {
    let runtime: LocalRuntime;
    beforeAll(async () => {
      runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: PolicySchema.parse({}), memberAccounts: [LOCAL_MEMBER_ACCOUNT], saveTraces: false });
    });
    afterAll(async () => runtime?.stop());

    it('creates both roles in each member account, each trusting only the task roles that act through it, the read role with reads only', async () => {
      // Act
      const role = async (name: string) => {
        const { Role } = (await callAws({ service: 'IAM', command: 'GetRole', params: { RoleName: name }, account: LOCAL_MEMBER_ACCOUNT })) as { Role: { AssumeRolePolicyDocument: string } };
        const { PolicyDocument } = (await callAws({ service: 'IAM', command: 'GetRolePolicy', params: { RoleName: name, PolicyName: 'rectify-playbooks' }, account: LOCAL_MEMBER_ACCOUNT })) as { PolicyDocument: string };
        const trust = JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument)) as { Statement: { Principal: { AWS: string | string[] } }[] };
        const policy = JSON.parse(decodeURIComponent(PolicyDocument)) as { Statement: { Action: string[] }[] };
        return { trusted: [trust.Statement[0]!.Principal.AWS].flat().sort(), actions: policy.Statement[0]!.Action };
      };
      const read = await role(LOCAL_NAMES.memberRoles.read);
      const change = await role(LOCAL_NAMES.memberRoles.change);

      // Assess
      expect(read.trusted).toEqual(['rectify-approval-request', 'rectify-classify-task', 'rectify-remediation-task'].map((n) => `arn:aws:iam::${LOCAL_ADMIN_ACCOUNT}:role/${n}`));
      expect(change.trusted).toEqual([`arn:aws:iam::${LOCAL_ADMIN_ACCOUNT}:role/rectify-change-task`]);
      expect(read.actions.filter((a) => !isReadAction(a))).toEqual([]);
      expect(change.actions).toEqual(expect.arrayContaining([...read.actions, 's3:PutBucketPolicy', 'iam:PassRole']));
    });
  });

  it('refuses, inside a task, an AssumeRole of a member role other than the task\'s own', async () => {
    // Prepare: handlers that only assume a role and say who they are
    const whoAmI = (roleName: string) => async () =>
      clientsFor(LOCAL_MEMBER_ACCOUNT, 'us-east-1', { adminAccount: LOCAL_ADMIN_ACCOUNT, memberRoleName: roleName, sameAccountShortcut: true, sessionName: 'probe' })
        .client(STSClient)
        .send(new GetCallerIdentityCommand({}));
    const idle = Object.fromEntries(TASK_HANDLERS.map((h) => [h, async () => undefined])) as Record<TaskHandlerName, () => Promise<unknown>>;
    const guarded = guardMemberRoles({
      ...idle,
      verify: whoAmI(LOCAL_NAMES.memberRoles.change),
      remediate: whoAmI(LOCAL_NAMES.memberRoles.change),
      rollback: whoAmI(LOCAL_NAMES.memberRoles.read),
      checkExemption: whoAmI(LOCAL_NAMES.memberRoles.read),
      loadPolicy: whoAmI(LOCAL_NAMES.memberRoles.read),
    });

    // Act + Assess
    await expect(guarded.verify({})).rejects.toThrow(
      `rectify-remediation-task (verify) is not authorized to perform sts:AssumeRole on ${CHANGE_ROLE}: it may assume only the member read role RectifyReadRole`,
    );
    await expect(guarded.rollback({})).rejects.toThrow(`rectify-change-task (rollback) is not authorized to perform sts:AssumeRole on ${READ_ROLE}`);
    await expect(guarded.loadPolicy({})).rejects.toThrow(/loadPolicy\) is not authorized .* it may assume no member role/);
    await expect(guarded.remediate({})).resolves.toMatchObject({ Arn: expect.stringContaining('assumed-role/RectifyRemediationRole/probe') });
    await expect(guarded.checkExemption({})).resolves.toMatchObject({ Arn: expect.stringContaining('assumed-role/RectifyReadRole/probe') });
    // Outside a task (scenario setup, provisioning) nothing is held back.
    await expect(whoAmI(LOCAL_NAMES.memberRoles.change)()).resolves.toMatchObject({ Account: LOCAL_MEMBER_ACCOUNT });
  });

  const CASES: [string, Outcome, AuditEvent][] = [
    ['remediated-auto.json', Outcome.REMEDIATED, AuditEvent.VERIFIED],
    ['approved.json', Outcome.REMEDIATED, AuditEvent.APPROVAL_REQUESTED],
    ['failed-verify-rolled-back.json', Outcome.FAILED_ROLLED_BACK, AuditEvent.ROLLED_BACK],
  ];
  for (const [file, outcome, reached] of CASES) {
    it(`${file} in a member account: every task gets through with its own member role, and both roles are used`, async () => {
      // Prepare
      await aws.moto.reset();
      const scenario = inMemberAccount(loadScenario(path.join(SCENARIOS, file)));
      const recording = recordCalls();

      // Act
      let result;
      try {
        result = await runScenario(scenario, { endpoint: aws.endpoint });
      } finally {
        recording.stop();
      }

      // Assess
      expect(checkExpectations(scenario, result)).toEqual([]);
      expect(result.outcome).toBe(outcome);
      expect(result.audit.map((a) => a.event)).toContain(reached);
      expect(result.audit.find((a) => a.event === AuditEvent.VALIDATED)?.account).toBe(LOCAL_MEMBER_ACCOUNT);
      const assumed = new Set(recording.calls.filter((c) => c.service === 'STS' && c.command === 'AssumeRole').map((c) => (c.input as { RoleArn: string }).RoleArn));
      assumed.delete(`arn:aws:iam::${LOCAL_MEMBER_ACCOUNT}:role/OrganizationAccountAccessRole`);
      expect([...assumed].sort()).toEqual([READ_ROLE, CHANGE_ROLE].sort());
    }, 120_000);
  }
});
