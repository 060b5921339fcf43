import {
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageTagMutabilityCommand,
  type ImageTagMutability,
  type ImageTagMutabilityExclusionFilter,
} from '@aws-sdk/client-ecr';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** What the playbook may change: the repository's tag mutability and its exclusion filters (kept so rollback puts them back). */
type TagMutabilitySnapshot = {
  imageTagMutability: string;
  exclusionFilters: { filterType: string; filter: string }[];
};

/**
 * The one setting ECR.2 certainly passes. AWS documents neither way whether the rule counts
 * IMMUTABLE_WITH_EXCLUSION as "tag immutability enabled", so verify does not count it (fail closed).
 */
const IMMUTABLE: ImageTagMutability = 'IMMUTABLE';

/** Why the change can break a pipeline: stated in every plan that changes the repository. */
const IMPACT = {
  level: 'disruptive',
  why: 'a push that reuses an existing tag (latest, a branch name) fails with ImageTagAlreadyExistsException from then on; pipelines that overwrite tags must switch to unique tags first',
} as const;

/** The repository name: everything after `repository/` in its ARN, namespaces included (`team/app`). */
const repositoryNameOf = (ctx: PlaybookContext<unknown>) => ctx.resource.id.split(':repository/')[1] ?? ctx.resource.name;

/** The repository's tag mutability as ECR reports it. Throws RepositoryNotFoundException when it does not exist. */
async function readMutability(ctx: PlaybookContext<unknown>): Promise<TagMutabilitySnapshot> {
  const { repositories = [] } = await ctx.aws
    .client(ECRClient)
    .send(new DescribeRepositoriesCommand({ registryId: ctx.resource.account, repositoryNames: [repositoryNameOf(ctx)] }));
  const repository = repositories[0];
  return {
    imageTagMutability: repository?.imageTagMutability ?? 'MUTABLE',
    exclusionFilters: (repository?.imageTagMutabilityExclusionFilters ?? []).map((f) => ({ filterType: f.filterType ?? 'WILDCARD', filter: f.filter ?? '' })),
  };
}

async function writeMutability(ctx: PlaybookContext<unknown>, mutability: string, filters: TagMutabilitySnapshot['exclusionFilters']): Promise<void> {
  await ctx.aws.client(ECRClient).send(
    new PutImageTagMutabilityCommand({
      registryId: ctx.resource.account,
      repositoryName: repositoryNameOf(ctx),
      imageTagMutability: mutability as ImageTagMutability,
      // ECR requires the filters with an _EXCLUSION setting and refuses them with any other.
      ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters as ImageTagMutabilityExclusionFilter[] } : {}),
    }),
  );
}

const describeFilters = (filters: TagMutabilitySnapshot['exclusionFilters']) => filters.map((f) => f.filter).join(', ');

/**
 * Makes every image tag of a private ECR repository immutable (ECR.2,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2, severity medium;
 * AWS Config rule `ecr-private-tag-immutability-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ecr-private-tag-immutability-enabled.html:
 * NON_COMPLIANT when tag immutability is not enabled; no parameters). `verify` reads the
 * repository's `imageTagMutability` and passes only `IMMUTABLE`: AWS does not say whether the rule
 * accepts `IMMUTABLE_WITH_EXCLUSION`, so such a repository is refused rather than stripped of the
 * exclusion filters its team chose (a person decides). A `MUTABLE_WITH_EXCLUSION` repository loses
 * its filters (they only named tags kept immutable, all of which now are); rollback puts them back.
 * Disruptive: pushes that overwrite a tag start failing. Scanning, encryption, lifecycle, policy
 * and tags stay as they are.
 */
export const enableTagImmutability = definePlaybook<TagMutabilitySnapshot, { description: string }>({
  id: 'ecr-enable-tag-immutability',
  title: 'Make the image tags of a private ECR repository immutable',
  controls: ['ECR.2'],
  resourceType: 'AwsEcrRepository',
  impact: IMPACT.level,
  permissions: ['ecr:DescribeRepositories', 'ecr:PutImageTagMutability'],

  snapshot: (ctx) => readMutability(ctx),

  async plan(ctx, current) {
    const name = repositoryNameOf(ctx);
    if (current.imageTagMutability === IMMUTABLE) return { summary: `ECR repository ${name} already has immutable tags`, changes: [] };
    if (current.imageTagMutability === 'IMMUTABLE_WITH_EXCLUSION') {
      throw new RemediationFailedError(
        `ECR repository ${ctx.resource.id} (finding ${ctx.request.findingId}) has immutable tags except those matching ${describeFilters(current.exclusionFilters)}. ` +
          'AWS does not document whether ECR.2 accepts exclusions, and removing them would break the pushes they were made for: ' +
          'decide with the repository owner whether to drop the exclusions (PutImageTagMutability IMMUTABLE) or suppress the finding. Rectify changed nothing.',
      );
    }
    const dropped = current.exclusionFilters.length > 0 ? ` (its exclusion filters ${describeFilters(current.exclusionFilters)} are removed; rollback restores them)` : '';
    return {
      summary: `Make the tags of ECR repository ${name} immutable (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Set imageTagMutability from ${current.imageTagMutability} to IMMUTABLE on ECR repository ${ctx.resource.id}${dropped}` }],
    };
  },

  async apply(ctx) {
    const current = await readMutability(ctx);
    if (current.imageTagMutability !== IMMUTABLE) await writeMutability(ctx, IMMUTABLE, []);
  },

  async verify(ctx) {
    const { imageTagMutability } = await readMutability(ctx);
    return { compliant: imageTagMutability === IMMUTABLE, detail: `ECR repository ${repositoryNameOf(ctx)}: imageTagMutability ${imageTagMutability}` };
  },

  async rollback(ctx, snapshot) {
    const current = await readMutability(ctx);
    if (JSON.stringify(current) !== JSON.stringify(snapshot)) await writeMutability(ctx, snapshot.imageTagMutability, snapshot.exclusionFilters);
  },
});
