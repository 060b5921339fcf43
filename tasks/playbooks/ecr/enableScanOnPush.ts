import {
  BatchGetRepositoryScanningConfigurationCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRegistryScanningConfigurationCommand,
  PutImageScanningConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The scan frequencies ECR.1 passes (its rule: "scan on push or continuous scan"). */
const SCANNING_FREQUENCIES: readonly string[] = ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'];

type ScanOnPushSnapshot = { scanOnPush: boolean };

/** The repository name: everything after `repository/` in its ARN, namespaces included (`team/app`). */
const repositoryNameOf = (ctx: PlaybookContext<unknown>) => ctx.resource.id.split(':repository/')[1] ?? ctx.resource.name;

/** The repository's own scan-on-push setting. Throws RepositoryNotFoundException when it does not exist. */
async function scanOnPush(ctx: PlaybookContext<unknown>): Promise<boolean> {
  const { repositories = [] } = await ctx.aws
    .client(ECRClient)
    .send(new DescribeRepositoriesCommand({ registryId: ctx.resource.account, repositoryNames: [repositoryNameOf(ctx)] }));
  return repositories[0]?.imageScanningConfiguration?.scanOnPush ?? false;
}

/** What decides the repository's scan frequency: the registry's scan type and the frequency ECR reports for the repository. */
async function effectiveScanning(ctx: PlaybookContext<unknown>): Promise<{ scanType: string; frequency: string }> {
  const ecr = ctx.aws.client(ECRClient);
  const { scanningConfiguration } = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
  const { scanningConfigurations = [] } = await ecr.send(new BatchGetRepositoryScanningConfigurationCommand({ repositoryNames: [repositoryNameOf(ctx)] }));
  return { scanType: scanningConfiguration?.scanType ?? 'BASIC', frequency: scanningConfigurations[0]?.scanFrequency ?? 'MANUAL' };
}

/**
 * Whether ECR.1 passes: the repository's scan frequency is scan on push or continuous. With basic
 * scanning the repository's own scan-on-push setting counts as well as the registry's rules; with
 * enhanced scanning (Amazon Inspector) only the registry's rules do, and ECR ignores the
 * repository's setting.
 */
async function scanningConfigured(ctx: PlaybookContext<unknown>): Promise<{ compliant: boolean; how: string }> {
  const { scanType, frequency } = await effectiveScanning(ctx);
  if (SCANNING_FREQUENCIES.includes(frequency)) return { compliant: true, how: `scan frequency ${frequency} (${scanType} scanning)` };
  if (scanType === 'BASIC' && (await scanOnPush(ctx))) return { compliant: true, how: 'scan on push (BASIC scanning)' };
  return { compliant: false, how: `scan frequency ${frequency} (${scanType} scanning)` };
}

async function setScanOnPush(ctx: PlaybookContext<unknown>, enabled: boolean): Promise<void> {
  await ctx.aws.client(ECRClient).send(
    new PutImageScanningConfigurationCommand({
      registryId: ctx.resource.account,
      repositoryName: repositoryNameOf(ctx),
      imageScanningConfiguration: { scanOnPush: enabled },
    }),
  );
}

/** Why scan on push disrupts nothing: stated in every plan that changes the repository. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'pushes and pulls are unaffected (a push is never blocked by its scan); basic scanning has no charge',
} as const;

/**
 * Turns on scan on push for a private ECR repository (ECR.1,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1; AWS Config rule
 * `ecr-private-image-scanning-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/ecr-private-image-scanning-enabled.html:
 * NON_COMPLIANT when the repository's scan frequency is neither scan on push nor continuous).
 * `verify` reads the frequency ECR reports for the repository, and the repository's own setting
 * when the registry uses basic scanning. A registry on enhanced scanning takes its frequency from
 * registry-wide rules, which ECR lets override the repository's setting: such a repository is
 * refused before any change, since fixing it means changing every repository's scanning (and
 * Amazon Inspector's bill). Tag mutability, lifecycle, encryption and policy stay as they are.
 */
export const enableScanOnPush = definePlaybook<ScanOnPushSnapshot, { description: string }>({
  id: 'ecr-enable-scan-on-push',
  title: 'Turn on image scanning on push for a private ECR repository',
  controls: ['ECR.1'],
  resourceType: 'AwsEcrRepository',
  impact: IMPACT.level,
  permissions: [
    'ecr:BatchGetRepositoryScanningConfiguration',
    'ecr:DescribeRepositories',
    'ecr:GetRegistryScanningConfiguration',
    'ecr:PutImageScanningConfiguration',
  ],

  snapshot: async (ctx) => ({ scanOnPush: await scanOnPush(ctx) }),

  async plan(ctx) {
    const name = repositoryNameOf(ctx);
    const scanning = await scanningConfigured(ctx);
    if (scanning.compliant) return { summary: `ECR repository ${name} scans images: ${scanning.how}`, changes: [] };
    const { scanType } = await effectiveScanning(ctx);
    if (scanType !== 'BASIC') {
      throw new RemediationFailedError(
        `Cannot turn on scanning for ECR repository ${ctx.resource.id} (finding ${ctx.request.findingId}): the registry uses ${scanType} scanning, ` +
          "whose registry-wide rules override the repository's scan-on-push setting. Add the repository to a scanning rule of the registry " +
          '(PutRegistryScanningConfiguration) by hand. Rectify changed nothing.',
      );
    }
    return {
      summary: `Turn on scan on push for ECR repository ${name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [{ description: `Set scanOnPush to true on ECR repository ${ctx.resource.id}: every image pushed from now on is scanned for vulnerabilities` }],
    };
  },

  async apply(ctx) {
    if (!(await scanOnPush(ctx))) await setScanOnPush(ctx, true);
  },

  async verify(ctx) {
    const scanning = await scanningConfigured(ctx);
    return { compliant: scanning.compliant, detail: `ECR repository ${repositoryNameOf(ctx)}: ${scanning.how}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.scanOnPush && (await scanOnPush(ctx))) await setScanOnPush(ctx, false);
  },
});
