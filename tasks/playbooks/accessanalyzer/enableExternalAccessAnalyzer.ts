import {
  AccessAnalyzerClient,
  CreateAnalyzerCommand,
  DeleteAnalyzerCommand,
  paginateListAnalyzers,
  type AnalyzerSummary,
} from '@aws-sdk/client-accessanalyzer';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The analyzer Rectify creates; rollback deletes only an analyzer of this name that this run created. */
export const ANALYZER_NAME = 'rectify-external-access';

/** Analyzer types that analyze external access (the others analyze unused or internal access). */
const EXTERNAL_ACCESS_TYPES = new Set(['ACCOUNT', 'ORGANIZATION']);

/** The active external access analyzers of the region (`name (TYPE)`, sorted), and whether Rectify's analyzer exists. */
type AnalyzerSnapshot = { activeExternal: string[]; rectifyAnalyzer: boolean };

async function listAnalyzers(ctx: PlaybookContext<unknown>): Promise<AnalyzerSummary[]> {
  const analyzers: AnalyzerSummary[] = [];
  for await (const page of paginateListAnalyzers({ client: ctx.aws.client(AccessAnalyzerClient) }, {})) analyzers.push(...(page.analyzers ?? []));
  return analyzers;
}

function snapshotOf(analyzers: readonly AnalyzerSummary[]): AnalyzerSnapshot {
  const activeExternal = analyzers
    .filter((a) => EXTERNAL_ACCESS_TYPES.has(a.type ?? '') && a.status === 'ACTIVE')
    .map((a) => `${a.name} (${a.type})`)
    .sort();
  return { activeExternal, rectifyAnalyzer: analyzers.some((a) => a.name === ANALYZER_NAME) };
}

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

/** Why an analyzer disrupts nothing: stated in every plan that creates one. */
const IMPACT = {
  level: 'non-disruptive',
  why:
    'an analyzer only reads resource policies and reports what is shared outside the account, as findings (in Security Hub too); ' +
    'it changes no access, and external access analysis is free',
} as const;

/**
 * Creates an IAM Access Analyzer external access analyzer for the account in the finding's region
 * (IAM.28, https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-28; AWS Config
 * rule `iam-external-access-analyzer-enabled`,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-external-access-analyzer-enabled.html):
 * the region passes when it has an active analyzer of type ACCOUNT or ORGANIZATION, and `verify` reads
 * exactly that. Creates one ACCOUNT analyzer, `rectify-external-access` (CreateAnalyzer also creates
 * the service-linked role AWSServiceRoleForAccessAnalyzer when the account has none); unused-access
 * analyzers, archive rules and other regions are left alone. Rollback deletes the analyzer it created.
 */
export const enableExternalAccessAnalyzer = definePlaybook<AnalyzerSnapshot, { description: string }>({
  id: 'access-analyzer-enable-external-access-analyzer',
  title: 'Create an IAM Access Analyzer external access analyzer in an account and region',
  controls: ['IAM.28', 'cis-aws-foundations-benchmark/v/3.0.0/1.20', 'cis-aws-foundations-benchmark/v/5.0.0/1.19'],
  resourceType: 'AwsAccount',
  impact: IMPACT.level,
  notEmulated: 'moto 5.2.1 has no IAM Access Analyzer API (ListAnalyzers, CreateAnalyzer, DeleteAnalyzer)',
  permissions: [
    'access-analyzer:ListAnalyzers',
    'access-analyzer:CreateAnalyzer',
    // CreateAnalyzer creates the service-linked role AWSServiceRoleForAccessAnalyzer when it is missing.
    'iam:CreateServiceLinkedRole',
    'access-analyzer:DeleteAnalyzer',
  ],
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: async (ctx) => snapshotOf(await listAnalyzers(ctx)),

  plan(ctx, current) {
    if (current.activeExternal.length > 0) {
      return { summary: `${where(ctx)} has an active external access analyzer: ${current.activeExternal.join(', ')}`, changes: [] };
    }
    if (current.rectifyAnalyzer) {
      throw new RemediationFailedError(
        `${where(ctx)} has an analyzer named ${ANALYZER_NAME} that is not an active external access analyzer (finding ${ctx.request.findingId}): ` +
          'Rectify changed nothing; look at that analyzer (its status or type) and fix or delete it by hand.',
      );
    }
    return {
      summary: `Create an external access analyzer in ${where(ctx)} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [{ description: `Create the IAM Access Analyzer analyzer ${ANALYZER_NAME} of type ACCOUNT in ${where(ctx)}` }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    const current = snapshotOf(await listAnalyzers(ctx));
    if (current.activeExternal.length > 0 || current.rectifyAnalyzer) return;
    await ctx.aws.client(AccessAnalyzerClient).send(new CreateAnalyzerCommand({ analyzerName: ANALYZER_NAME, type: 'ACCOUNT' }));
  },

  async verify(ctx) {
    const { activeExternal } = snapshotOf(await listAnalyzers(ctx));
    return activeExternal.length > 0
      ? { compliant: true, detail: `${where(ctx)} has an active external access analyzer: ${activeExternal.join(', ')} (IAM.28)` }
      : { compliant: false, detail: `${where(ctx)} has no active external access analyzer (IAM.28)` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.rectifyAnalyzer) return;
    if ((await listAnalyzers(ctx)).some((a) => a.name === ANALYZER_NAME)) {
      await ctx.aws.client(AccessAnalyzerClient).send(new DeleteAnalyzerCommand({ analyzerName: ANALYZER_NAME }));
    }
  },
});
