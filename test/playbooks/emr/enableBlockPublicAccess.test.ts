import {
  EMRClient,
  GetBlockPublicAccessConfigurationCommand,
  PutBlockPublicAccessConfigurationCommand,
  type BlockPublicAccessConfiguration,
} from '@aws-sdk/client-emr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableEmrBlockPublicAccess as playbook } from '../../../tasks/playbooks/emr/enableBlockPublicAccess.js';
import { actionsSentTo } from '../../support/mockedPlaybook.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';

/**
 * Amazon EMR's block public access configuration of one region, as the documented API keeps it:
 * GetBlockPublicAccessConfiguration answers what PutBlockPublicAccessConfiguration stored, with
 * its metadata. moto 5.2.1 stores BlockPublicSecurityGroupRules false as true.
 */
describe('enableEmrBlockPublicAccess (EMR.2) with aws-sdk-client-mock', () => {
  const emr = mockClient(EMRClient);
  // A class stub: the fast tier's next files share this process (docs/decisions/018).
  afterAll(() => {
    emr.restore();
  });
  let stored: BlockPublicAccessConfiguration;
  const clients: AwsClients = { account: ACCOUNT, region: 'us-east-1', client: <C>() => new EMRClient({ region: 'us-east-1' }) as C };
  const ctx = () => createPlaybookContext(playbook, requestFor({ resourceType: 'AwsAccount', resourceId: `AWS::::Account:${ACCOUNT}`, controlId: 'EMR.2' }), clients);
  const puts = () => emr.commandCalls(PutBlockPublicAccessConfigurationCommand).map((c) => c.args[0].input.BlockPublicAccessConfiguration);

  function configure(configuration: BlockPublicAccessConfiguration) {
    stored = structuredClone(configuration);
  }

  beforeEach(() => {
    emr.reset();
    configure({ BlockPublicSecurityGroupRules: false, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 22 }] });
    emr.on(GetBlockPublicAccessConfigurationCommand).callsFake(() => ({
      BlockPublicAccessConfiguration: structuredClone(stored),
      BlockPublicAccessConfigurationMetadata: { CreationDateTime: new Date('2026-01-01T00:00:00Z'), CreatedByArn: `arn:aws:iam::${ACCOUNT}:root` },
    }));
    emr.on(PutBlockPublicAccessConfigurationCommand).callsFake(({ BlockPublicAccessConfiguration }: { BlockPublicAccessConfiguration: BlockPublicAccessConfiguration }) => {
      configure(BlockPublicAccessConfiguration);
      return {};
    });
  });

  it('turns block public access on, keeps port 22 permitted, plans it as disruptive, and sends only what it declares', async () => {
    // Prepare
    const context = ctx();
    // Act
    const snapshot = await playbook.snapshot(context);
    const plan = await playbook.plan(context, snapshot);
    await playbook.apply(context, plan);
    // Assess
    expect(snapshot).toEqual({ blockPublicSecurityGroupRules: false, permittedRanges: [{ minRange: 22, maxRange: 22 }] });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set BlockPublicSecurityGroupRules to true for Amazon EMR in account ${ACCOUNT} in us-east-1; port 22 stays permitted`,
    ]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/EMR will refuse to create clusters .* other than on port 22/);
    expect(puts()).toEqual([{ BlockPublicSecurityGroupRules: true, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 22 }] }]);
    expect(await playbook.verify(context)).toEqual({
      compliant: true,
      detail: `Amazon EMR block public access is on for account ${ACCOUNT} in us-east-1, permitting no public port but 22`,
    });
    expect(actionsSentTo({ EMR: emr })).toEqual(new Set(playbook.permissions));
  });

  it('stops permitting public ports other than 22 when block public access is already on, naming them', async () => {
    // Prepare
    configure({ BlockPublicSecurityGroupRules: true, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 8080, MaxRange: 8090 }, { MinRange: 22 }, { MinRange: 443, MaxRange: 443 }] });
    const context = ctx();
    // Act
    const plan = await playbook.plan(context, await playbook.snapshot(context));
    await playbook.apply(context, plan);
    // Assess
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set BlockPublicSecurityGroupRules to true for Amazon EMR in account ${ACCOUNT} in us-east-1 and stop permitting public ports 443, 8080-8090; port 22 stays permitted`,
    ]);
    expect(puts()).toEqual([{ BlockPublicSecurityGroupRules: true, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 22 }] }]);
    expect((await playbook.verify(context)).compliant).toBe(true);
  });

  it('verify answers non-compliant when block public access is off, and when another port is permitted', async () => {
    // Prepare
    const context = ctx();
    // Act
    const off = await playbook.verify(context);
    configure({ BlockPublicSecurityGroupRules: true, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 23 }] });
    const wider = await playbook.verify(context);
    // Assess
    expect(off).toEqual({ compliant: false, detail: `Amazon EMR in account ${ACCOUNT} in us-east-1: block public access is off` });
    expect(wider).toEqual({ compliant: false, detail: `Amazon EMR in account ${ACCOUNT} in us-east-1: ports other than 22 are permitted to be public: 22-23` });
  });

  it('rolls back to the previous configuration, ports included', async () => {
    // Prepare
    configure({ BlockPublicSecurityGroupRules: false, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 22 }, { MinRange: 8443, MaxRange: 8443 }] });
    const context = ctx();
    const before = await playbook.snapshot(context);
    await playbook.apply(context, await playbook.plan(context, before));
    // Act
    await playbook.rollback(context, before);
    await playbook.rollback(context, before);
    // Assess
    expect(await playbook.snapshot(context)).toEqual(before);
    expect(puts()).toHaveLength(2);
    expect(stored).toEqual({ BlockPublicSecurityGroupRules: false, PermittedPublicSecurityGroupRuleRanges: [{ MinRange: 22, MaxRange: 22 }, { MinRange: 8443, MaxRange: 8443 }] });
  });

  it('changes nothing when applied a second time, and plans nothing for a compliant configuration, whose rollback writes nothing', async () => {
    // Prepare
    const context = ctx();
    const plan = await playbook.plan(context, await playbook.snapshot(context));
    await playbook.apply(context, plan);
    // Act
    await playbook.apply(context, plan);
    const compliantSnapshot = await playbook.snapshot(context);
    const compliantPlan = await playbook.plan(context, compliantSnapshot);
    await playbook.rollback(context, compliantSnapshot);
    // Assess
    expect(puts()).toHaveLength(1);
    expect(compliantPlan.changes).toEqual([]);
  });

  it('fails the snapshot when EMR cannot be read', async () => {
    // Prepare
    emr.on(GetBlockPublicAccessConfigurationCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    // Act & Assess
    await expect(playbook.snapshot(ctx())).rejects.toThrow(/not authorized/);
    expect(puts()).toEqual([]);
  });
});
