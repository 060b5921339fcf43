import { GetServiceSettingCommand, ResetServiceSettingCommand, SSMClient, UpdateServiceSettingCommand } from '@aws-sdk/client-ssm';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The service setting behind "Block public sharing" for SSM documents: `Disable` blocks it. */
export const PUBLIC_SHARING_SETTING = '/ssm/documents/console/public-sharing-permission';

/** The setting's value, and whether it was ever changed from SSM's default (`Enable`): rollback resets an unchanged one. */
type SharingSnapshot = { settingValue: string; customized: boolean };

async function readSetting(ctx: PlaybookContext<unknown>): Promise<SharingSnapshot> {
  const { ServiceSetting: s } = await ctx.aws.client(SSMClient).send(new GetServiceSettingCommand({ SettingId: PUBLIC_SHARING_SETTING }));
  return { settingValue: s?.SettingValue ?? 'Enable', customized: s?.Status === 'Customized' || s?.Status === 'PendingUpdate' };
}

const where = (ctx: PlaybookContext<unknown>) => `account ${ctx.resource.account} in ${ctx.resource.region}`;

/** Why blocking is disruptive, though no document changes: a way of publishing stops working, and only a person knows whether anyone uses it. */
const IMPACT = {
  level: 'disruptive',
  why:
    'sharing an SSM document publicly is refused from then on in this region: a team that publishes documents to all AWS accounts ' +
    'can no longer do so; documents shared with named accounts are not affected',
} as const;

/**
 * Turns on block public sharing for SSM documents in the finding's account and region (SSM.7,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-7; AWS Config rule
 * `ssm-automation-block-public-sharing`, https://docs.aws.amazon.com/config/latest/developerguide/ssm-automation-block-public-sharing.html):
 * the control fails when the service setting
 * `/ssm/documents/console/public-sharing-permission` is not `Disable`, and `verify` reads exactly
 * that setting. Changes that one regional setting and nothing else. Rollback puts the value back,
 * or resets the setting to SSM's default when it had never been changed.
 */
export const blockPublicDocumentSharing = definePlaybook<SharingSnapshot, { description: string }>({
  id: 'ssm-block-public-document-sharing',
  title: 'Block public sharing of SSM documents in an account and region',
  controls: ['SSM.7'],
  resourceType: 'AwsAccount',
  impact: IMPACT.level,
  notEmulated: 'moto 5.2.1 has no SSM service settings (GetServiceSetting, UpdateServiceSetting, ResetServiceSetting)',
  permissions: ['ssm:GetServiceSetting', 'ssm:UpdateServiceSetting', 'ssm:ResetServiceSetting'],
  // The account itself carries no tags.
  readTags: async () => ({}),

  snapshot: (ctx) => readSetting(ctx),

  plan(ctx, current) {
    if (current.settingValue === 'Disable') return { summary: `Public sharing of SSM documents is already blocked in ${where(ctx)}`, changes: [] };
    return {
      summary: `Block public sharing of SSM documents in ${where(ctx)} (${IMPACT.level}: ${IMPACT.why})`,
      changes: [{ description: `Set the SSM service setting ${PUBLIC_SHARING_SETTING} to Disable in ${where(ctx)} (now ${current.settingValue})` }],
      impact: IMPACT,
    };
  },

  async apply(ctx) {
    if ((await readSetting(ctx)).settingValue === 'Disable') return;
    await ctx.aws.client(SSMClient).send(new UpdateServiceSettingCommand({ SettingId: PUBLIC_SHARING_SETTING, SettingValue: 'Disable' }));
  },

  async verify(ctx) {
    const { settingValue } = await readSetting(ctx);
    return {
      compliant: settingValue === 'Disable',
      detail: `${PUBLIC_SHARING_SETTING} is ${settingValue} in ${where(ctx)}: public sharing of SSM documents is ${settingValue === 'Disable' ? 'blocked' : 'allowed'} (SSM.7)`,
    };
  },

  async rollback(ctx, snapshot) {
    const current = await readSetting(ctx);
    if (current.settingValue === snapshot.settingValue && current.customized === snapshot.customized) return;
    const ssm = ctx.aws.client(SSMClient);
    if (!snapshot.customized) await ssm.send(new ResetServiceSettingCommand({ SettingId: PUBLIC_SHARING_SETTING }));
    else await ssm.send(new UpdateServiceSettingCommand({ SettingId: PUBLIC_SHARING_SETTING, SettingValue: snapshot.settingValue }));
  },
});
