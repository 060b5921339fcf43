import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageTagMutabilityCommand,
  type ImageTagMutability,
  type Repository,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { enableTagImmutability as playbook } from '../../../tasks/playbooks/ecr/enableTagImmutability.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const repositoryArn = (name: string) => `arn:aws:ecr:us-east-1:123456789012:repository/${name}`;

describe('enableTagImmutability (ECR.2) against moto', () => {
  const aws = useMoto();
  const ecr = () => aws.clients().client(ECRClient);

  async function repository(imageTagMutability: ImageTagMutability = 'MUTABLE', filters: string[] = []): Promise<string> {
    // A namespaced name: the playbook must not cut it at the last slash.
    const repositoryName = `team/api-${crypto.randomUUID().slice(0, 8)}`;
    await ecr().send(new CreateRepositoryCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: true }, tags: [{ Key: 'team', Value: 'api' }] }));
    await ecr().send(
      new PutImageTagMutabilityCommand({
        repositoryName,
        imageTagMutability,
        ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter })) } : {}),
      }),
    );
    return repositoryName;
  }
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsEcrRepository', resourceId: repositoryArn(name), controlId: 'ECR.2' }), aws.clients());
  const repositoryOf = async (name: string): Promise<Repository> =>
    (await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories![0]!;

  it('makes the tags immutable, says why that is disruptive, and leaves the rest of the repository and a neighbour alone', async () => {
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
    expect(snapshot).toEqual({ imageTagMutability: 'MUTABLE', exclusionFilters: [] });
    expect(plan.changes.map((c) => c.description)).toEqual([`Set imageTagMutability from MUTABLE to IMMUTABLE on ECR repository ${repositoryArn(name)}`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(plan.impact?.why).toMatch(/ImageTagAlreadyExistsException/);
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `ECR repository ${name}: imageTagMutability IMMUTABLE` });
    expect(await repositoryOf(name)).toEqual({ ...before, imageTagMutability: 'IMMUTABLE' });
    expect((await repositoryOf(neighbour)).imageTagMutability).toBe('MUTABLE');
  });

  it('verify answers non-compliant for a repository whose tags can be overwritten', async () => {
    // Prepare
    const name = await repository();
    // Act
    const result = await playbook.verify(contextFor(name));
    // Assess
    expect(result).toEqual({ compliant: false, detail: `ECR repository ${name}: imageTagMutability MUTABLE` });
  });

  it('drops the filters of a MUTABLE_WITH_EXCLUSION repository, says so, and rollback puts them back', async () => {
    // Prepare
    const name = await repository('MUTABLE_WITH_EXCLUSION', ['release-*']);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, before);
    // Act
    await playbook.apply(ctx, plan);
    const fixed = await repositoryOf(name);
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(plan.changes[0]!.description).toMatch(/from MUTABLE_WITH_EXCLUSION to IMMUTABLE .*exclusion filters release-\* are removed; rollback restores them/);
    expect(fixed.imageTagMutability).toBe('IMMUTABLE');
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(before).toEqual({ imageTagMutability: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }] });
    expect((await playbook.verify(ctx)).compliant).toBe(false);
  });

  it('rolls back a mutable repository to mutable tags', async () => {
    // Prepare
    const name = await repository();
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
  });

  it('changes nothing when applied a second time, and plans nothing for a repository with immutable tags', async () => {
    // Prepare
    const name = await repository();
    const compliant = await repository('IMMUTABLE');
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
    expect((await repositoryOf(compliant)).imageTagMutability).toBe('IMMUTABLE');
  });

  it('refuses an IMMUTABLE_WITH_EXCLUSION repository, whose filters a team chose, and changes nothing', async () => {
    // Prepare
    const name = await repository('IMMUTABLE_WITH_EXCLUSION', ['dev-*']);
    const ctx = contextFor(name);
    // Act
    const planning = Promise.resolve().then(async () => playbook.plan(ctx, await playbook.snapshot(ctx)));
    // Assess
    await expect(planning).rejects.toThrow(/immutable tags except those matching dev-\*.*Rectify changed nothing/);
    expect((await playbook.verify(ctx)).compliant).toBe(false);
    expect((await repositoryOf(name)).imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
  });

  it('fails the snapshot of a repository that does not exist', async () => {
    // Act & Assess
    await expect(playbook.snapshot(contextFor('team/gone'))).rejects.toThrow();
  });
});
