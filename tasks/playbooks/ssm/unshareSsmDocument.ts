import { DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** Whether the document is shared with `all`, and with which version (`$DEFAULT`, `$LATEST` or a number) when SSM says. */
type DocumentSharingSnapshot = { public: boolean; sharedVersion: string | null };

const PUBLIC = 'all';

async function readSharing(ctx: PlaybookContext<unknown>): Promise<DocumentSharingSnapshot> {
  try {
    const { AccountIds = [], AccountSharingInfoList = [] } = await ctx.aws
      .client(SSMClient)
      .send(new DescribeDocumentPermissionCommand({ Name: ctx.resource.name, PermissionType: 'Share' }));
    const isPublic = AccountIds.some((id) => id.toLowerCase() === PUBLIC);
    const version = AccountSharingInfoList.find((info) => info.AccountId?.toLowerCase() === PUBLIC)?.SharedDocumentVersion;
    return { public: isPublic, sharedVersion: isPublic ? (version ?? null) : null };
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidDocument') {
      throw new RemediationFailedError(
        `SSM document ${ctx.resource.id} does not exist (finding ${ctx.request.findingId}): Rectify changed nothing; ` +
          'if it was deleted, Security Hub archives the finding at its next check',
        { cause: error },
      );
    }
    throw error;
  }
}

async function modify(ctx: PlaybookContext<unknown>, change: { AccountIdsToAdd?: string[]; AccountIdsToRemove?: string[]; SharedDocumentVersion?: string }) {
  await ctx.aws.client(SSMClient).send(new ModifyDocumentPermissionCommand({ Name: ctx.resource.name, PermissionType: 'Share', ...change }));
}

/** Why unsharing is disruptive: accounts using the public document lose it, and Rectify cannot see who they are. */
const IMPACT = {
  level: 'disruptive',
  why:
    'every AWS account can run or copy a public document today, and Rectify cannot see which do: those outside the accounts ' +
    'it is shared with by id lose access (shares with named accounts stay)',
} as const;

/**
 * Stops sharing an SSM document of the account publicly (SSM.4,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-4; AWS Config rule
 * `ssm-document-not-public`, https://docs.aws.amazon.com/config/latest/developerguide/ssm-document-not-public.html):
 * the rule fails a document owned by the account that is shared with `all`, and `verify` reads that
 * share. Removes only `all` from the document's share permissions: shares with named accounts, the
 * document's content, versions and tags stay. Disruptive ({@link IMPACT}). Rollback shares it
 * publicly again, with the version it was shared with.
 */
export const unshareSsmDocument = definePlaybook<DocumentSharingSnapshot, { description: string }>({
  id: 'ssm-unshare-public-document',
  title: 'Stop sharing an SSM document publicly',
  controls: ['SSM.4'],
  resourceType: 'AwsSsmDocument',
  impact: IMPACT.level,
  permissions: ['ssm:DescribeDocumentPermission', 'ssm:ModifyDocumentPermission'],

  snapshot: (ctx) => readSharing(ctx),

  plan(ctx, current) {
    if (!current.public) return { summary: `SSM document ${ctx.resource.name} is not shared publicly`, changes: [] };
    return {
      summary: `Stop sharing SSM document ${ctx.resource.name} publicly (${IMPACT.level}: ${IMPACT.why})`,
      changes: [{ description: `Remove "all" from the accounts SSM document ${ctx.resource.id} is shared with` }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    if ((await readSharing(ctx)).public) await modify(ctx, { AccountIdsToRemove: [PUBLIC] });
  },

  async verify(ctx) {
    const { public: isPublic } = await readSharing(ctx);
    return { compliant: !isPublic, detail: `SSM document ${ctx.resource.name} is ${isPublic ? '' : 'not '}shared publicly (SSM.4)` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.public || (await readSharing(ctx)).public) return;
    await modify(ctx, { AccountIdsToAdd: [PUBLIC], ...(snapshot.sharedVersion ? { SharedDocumentVersion: snapshot.sharedVersion } : {}) });
  },
});
