import {
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

type KeyRotationSnapshot = { rotationEnabled: boolean };

async function rotationEnabled(ctx: PlaybookContext<unknown>): Promise<boolean> {
  const status = await ctx.aws.client(KMSClient).send(new GetKeyRotationStatusCommand({ KeyId: ctx.resource.name }));
  return status.KeyRotationEnabled ?? false;
}

async function describeKey(ctx: PlaybookContext<unknown>): Promise<KeyMetadata> {
  const { KeyMetadata: key } = await ctx.aws.client(KMSClient).send(new DescribeKeyCommand({ KeyId: ctx.resource.name }));
  if (!key) throw new RemediationFailedError(`DescribeKey returned no metadata for ${ctx.resource.id} (finding ${ctx.request.findingId})`);
  return key;
}

/** Keys described before KeySpec existed report only the deprecated CustomerMasterKeySpec. */
const specOf = (key: KeyMetadata) => key.KeySpec ?? key.CustomerMasterKeySpec;

/**
 * Why KMS.4 does not evaluate this key, or undefined when it does. The control applies to enabled
 * customer managed symmetric encryption keys only: AWS rotates AWS managed keys itself, KMS cannot
 * rotate asymmetric or HMAC keys, and a disabled or pending-deletion key is not rotated at all.
 */
function outOfScope(key: KeyMetadata): string | undefined {
  if (key.KeyManager === 'AWS') return 'it is an AWS managed key: AWS rotates it every year and its rotation cannot be configured';
  if (specOf(key) !== 'SYMMETRIC_DEFAULT') {
    return `its key spec is ${specOf(key)}: KMS rotates only symmetric encryption keys, so asymmetric and HMAC keys must be replaced by a new key instead`;
  }
  if (key.KeyState !== 'Enabled') return `its state is ${key.KeyState}: rotation can be changed only on an enabled key`;
  return undefined;
}

/** Why KMS cannot rotate this key automatically, or undefined when it can. */
function whyNotRotatable(key: KeyMetadata): string | undefined {
  const reason = outOfScope(key);
  if (reason) return reason;
  if (key.Origin === 'EXTERNAL') return 'its key material is imported, which KMS does not rotate automatically: rotate it by hand';
  if (key.Origin !== 'AWS_KMS') return `its key material lives in a custom key store (origin ${key.Origin}), which KMS does not rotate`;
  if (key.MultiRegionConfiguration?.MultiRegionKeyType === 'REPLICA') {
    return `it is a multi-Region replica: enable rotation on its primary key ${key.MultiRegionConfiguration.PrimaryKey?.Arn ?? ''}`.trim();
  }
  return undefined;
}

/** Why rotating a key disrupts nothing: stated in every plan that changes the key. */
const IMPACT = {
  level: 'non-disruptive',
  why: 'the key id, policy, grants and aliases stay; data encrypted earlier still decrypts, and new key material is used only from the next rotation',
} as const;

/**
 * Enables automatic rotation of a customer managed symmetric KMS key (KMS.4,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4; AWS Config rule
 * `cmk-backing-key-rotation-enabled`, https://docs.aws.amazon.com/config/latest/developerguide/cmk-backing-key-rotation-enabled.html).
 * `verify` is the rule: an enabled customer managed symmetric key passes when its rotation is on,
 * whatever the rotation period (the control takes no parameter); any other key is not evaluated.
 * Changes only the rotation setting: key policy, grants, aliases, key state and the key material
 * in use stay as they are, and data encrypted earlier still decrypts. Refuses keys KMS cannot
 * rotate (AWS managed, asymmetric, HMAC, imported or custom-key-store material, multi-Region
 * replicas, keys not enabled).
 */
export const enableKeyRotation = definePlaybook<KeyRotationSnapshot, { description: string }>({
  id: 'kms-enable-key-rotation',
  title: 'Enable automatic rotation of a customer managed KMS key',
  controls: [
    'KMS.4',
    'cis-aws-foundations-benchmark/v/1.2.0/2.8',
    'cis-aws-foundations-benchmark/v/1.4.0/3.8',
    'cis-aws-foundations-benchmark/v/3.0.0/3.6',
    'cis-aws-foundations-benchmark/v/5.0.0/3.6',
    'pci-dss/v/3.2.1/PCI.KMS.1',
  ],
  resourceType: 'AwsKmsKey',
  impact: IMPACT.level,
  permissions: ['kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation'],

  snapshot: async (ctx) => ({ rotationEnabled: await rotationEnabled(ctx) }),

  async plan(ctx, current) {
    const reason = whyNotRotatable(await describeKey(ctx));
    if (reason) {
      throw new RemediationFailedError(
        `Cannot enable rotation of KMS key ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. ` +
          'Rectify changed nothing; remediate this key by hand or suppress the finding.',
      );
    }
    return current.rotationEnabled
      ? { summary: `KMS key ${ctx.resource.name} already rotates automatically`, changes: [] }
      : {
          summary: `Enable automatic rotation of KMS key ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
          changes: [{ description: `Enable automatic yearly rotation of KMS key ${ctx.resource.id}` }],
          impact: IMPACT,
        };
  },

  async apply(ctx) {
    // EnableKeyRotation without a period means the 365-day default: calling it again could
    // overwrite a custom period, so an enabled key is left alone.
    if (await rotationEnabled(ctx)) return;
    await ctx.aws.client(KMSClient).send(new EnableKeyRotationCommand({ KeyId: ctx.resource.name }));
  },

  async verify(ctx) {
    // Scope first: KMS answers "rotation off" for a key pending deletion, which KMS.4 does not fail.
    const notEvaluated = outOfScope(await describeKey(ctx));
    if (notEvaluated) return { compliant: true, detail: `KMS.4 does not evaluate KMS key ${ctx.resource.name}: ${notEvaluated}` };
    const enabled = await rotationEnabled(ctx);
    return { compliant: enabled, detail: `Automatic rotation of KMS key ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.rotationEnabled || !(await rotationEnabled(ctx))) return;
    await ctx.aws.client(KMSClient).send(new DisableKeyRotationCommand({ KeyId: ctx.resource.name }));
  },
});
