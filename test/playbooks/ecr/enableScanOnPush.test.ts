import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutRegistryScanningConfigurationCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableScanOnPush as playbook } from '../../../tasks/playbooks/ecr/enableScanOnPush.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const repositoryArn = (name: string) => `arn:aws:ecr:us-east-1:123456789012:repository/${name}`;

describe('enableScanOnPush (ECR.1) against moto', () => {
  const aws = useMoto();
  const ecr = () => aws.clients().client(ECRClient);

  async function repository(scanOnPush = false): Promise<string> {
    // A namespaced name: the playbook must not cut it at the last slash.
    const repositoryName = `team/orders-${crypto.randomUUID().slice(0, 8)}`;
    await ecr().send(
      new CreateRepositoryCommand({ repositoryName, imageScanningConfiguration: { scanOnPush }, imageTagMutability: 'IMMUTABLE', tags: [{ Key: 'team', Value: 'orders' }] }),
    );
    return repositoryName;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEcrRepository', resourceId: repositoryArn(name), controlId: 'ECR.1' }), aws.clients());
  const repositoryOf = async (name: string): Promise<Repository> =>
    (await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories![0]!;

  it('turns on scan on push and leaves the rest of the repository and a neighbour alone', async () => {
    // Prepare
    const name = await repository();
    const neighbour = await repository();
    const ctx = contextFor(name);
    const before = await repositoryOf(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ scanOnPush: false });
    expect(plan.changes.map((c) => c.description)).toEqual([
      `Set scanOnPush to true on ECR repository ${repositoryArn(name)}: every image pushed from now on is scanned for vulnerabilities`,
    ]);
    expect(plan.impact?.level).toBe('non-disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `ECR repository ${name}: scan on push (BASIC scanning)` });
    expect(await repositoryOf(name)).toEqual({ ...before, imageScanningConfiguration: { scanOnPush: true } });
    expect((await repositoryOf(neighbour)).imageScanningConfiguration).toEqual({ scanOnPush: false });
  });

  it('verify answers non-compliant for a repository that scans only by hand', async () => {
    // Prepare
    const name = await repository();
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `ECR repository ${name}: scan frequency MANUAL (BASIC scanning)` });
  });

  it('rolls back to manual scanning', async () => {
    // Prepare
    const name = await repository();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('changes nothing when applied a second time, and plans nothing for a repository that scans on push', async () => {
    // Prepare
    const name = await repository();
    const compliant = await repository(true);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    const afterFirst = await repositoryOf(name);
    // Act
    await playbook.apply(ctx, plan);
    const compliantCtx = contextFor(compliant);
    const compliantSnapshot = await playbook.snapshot(compliantCtx);
    const compliantPlan = await playbook.plan(compliantCtx, compliantSnapshot);
    await playbook.rollback(compliantCtx, compliantSnapshot);
    // Assess
    expect(await repositoryOf(name)).toEqual(afterFirst);
    expect(compliantPlan.changes).toEqual([]);
    expect((await repositoryOf(compliant)).imageScanningConfiguration).toEqual({ scanOnPush: true });
  });

  it('fails the snapshot of a repository that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('team/gone'))).rejects.toThrow();
  });

  it('refuses a repository of a registry on enhanced scanning, whose rules override the repository setting, and changes nothing', async () => {
    // Prepare
    const name = await repository();
    await ecr().send(new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [] }));
    try {
      const ctx = contextFor(name);
      // Act
      const planning = Promise.resolve().then(async () => playbook.plan(ctx, await playbook.snapshot(ctx)));
      // Assess
      await expect(planning).rejects.toThrow(/the registry uses ENHANCED scanning, whose registry-wide rules override/);
      expect((await repositoryOf(name)).imageScanningConfiguration).toEqual({ scanOnPush: false });
    } finally {
      await ecr().send(new PutRegistryScanningConfigurationCommand({ scanType: 'BASIC', rules: [] }));
    }
  });
});
