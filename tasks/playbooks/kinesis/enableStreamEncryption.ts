import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';

/** The AWS managed key for Kinesis Data Streams: producers and consumers need no KMS permission of their own for it. */
export const KINESIS_MANAGED_KEY = 'alias/aws/kinesis';
/** How often a stream that is UPDATING is read again; StartStreamEncryption usually takes a few seconds. */
const POLL_MS = 1_000;

type StreamEncryptionSnapshot = { encryptionType: string; keyId: string | null };

/** The stream as Kinesis summarises it. Throws ResourceNotFoundException when it does not exist. */
async function describeStream(ctx: PlaybookContext<unknown>): Promise<StreamDescriptionSummary> {
  const { StreamDescriptionSummary: summary } = await ctx.aws.client(KinesisClient).send(new DescribeStreamSummaryCommand({ StreamName: ctx.resource.name }));
  if (!summary) throw new RemediationFailedError(`Kinesis stream ${ctx.resource.id} has no description (finding ${ctx.request.findingId})`);
  return summary;
}

/**
 * Wait until the stream is ACTIVE: Kinesis refuses encryption changes while it is UPDATING
 * (ResourceInUseException). Gives up at the step's deadline, naming the status it saw.
 */
async function activeStream(ctx: PlaybookContext<unknown>): Promise<StreamDescriptionSummary> {
  for (;;) {
    const summary = await describeStream(ctx);
    if (summary.StreamStatus === 'ACTIVE') return summary;
    if (summary.StreamStatus !== 'UPDATING' || Date.now() + POLL_MS >= ctx.deadline.getTime()) {
      throw new RemediationFailedError(
        `Kinesis stream ${ctx.resource.id} is ${summary.StreamStatus ?? 'in an unknown state'}, not ACTIVE (finding ${ctx.request.findingId}): ` +
          'Kinesis changes encryption only on an active stream; retry when it is',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const encryptionOf = (summary: StreamDescriptionSummary): StreamEncryptionSnapshot => ({
  encryptionType: summary.EncryptionType ?? 'NONE',
  keyId: summary.KeyId ?? null,
});

/** Why encryption is disruptive: stated in every plan that changes the stream. */
const IMPACT = {
  level: 'disruptive',
  why:
    'it adds cost: every PutRecord(s) and GetRecords call now makes KMS requests on the AWS managed key (billed per request); ' +
    'the stream is UPDATING for a few seconds, during which records still flow but other stream updates are refused',
} as const;

/**
 * Turns on server-side encryption of a Kinesis data stream with the AWS managed key
 * `alias/aws/kinesis` (Kinesis.1, https://docs.aws.amazon.com/securityhub/latest/userguide/kinesis-controls.html#kinesis-1;
 * AWS Config rule `kinesis-stream-encrypted`,
 * https://docs.aws.amazon.com/config/latest/developerguide/kinesis-stream-encrypted.html:
 * NON_COMPLIANT when the stream has no `StreamEncryption`). `verify` reads the stream's
 * `EncryptionType`, which must be KMS. Records written before the change stay unencrypted until
 * they expire; new ones are encrypted. Producers and consumers need no new KMS permission for the
 * AWS managed key, but each of their calls now costs KMS requests: every plan is disruptive and
 * says so. Shards, retention, stream mode and consumers are left as they are. Rollback stops
 * encryption with the key the stream uses.
 */
export const enableStreamEncryption = definePlaybook<StreamEncryptionSnapshot, { description: string }>({
  id: 'kinesis-enable-stream-encryption',
  title: 'Encrypt a Kinesis data stream at rest with the AWS managed key',
  controls: ['Kinesis.1'],
  resourceType: 'AwsKinesisStream',
  impact: IMPACT.level,
  permissions: ['kinesis:DescribeStreamSummary', 'kinesis:StartStreamEncryption', 'kinesis:StopStreamEncryption'],

  snapshot: async (ctx) => encryptionOf(await describeStream(ctx)),

  plan(ctx, current) {
    if (current.encryptionType === 'KMS') return { summary: `Kinesis stream ${ctx.resource.name} is encrypted with ${current.keyId}`, changes: [] };
    return {
      summary: `Encrypt Kinesis stream ${ctx.resource.name} with ${KINESIS_MANAGED_KEY} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Start server-side encryption of Kinesis stream ${ctx.resource.id} with the AWS managed key ${KINESIS_MANAGED_KEY}: new records are ` +
            'encrypted, records already in the stream are not; KMS requests are billed for every put and get',
        },
      ],
    };
  },

  async apply(ctx) {
    const stream = await activeStream(ctx);
    if (stream.EncryptionType === 'KMS') return;
    await ctx.aws
      .client(KinesisClient)
      .send(new StartStreamEncryptionCommand({ StreamName: ctx.resource.name, EncryptionType: 'KMS', KeyId: KINESIS_MANAGED_KEY }));
    await activeStream(ctx);
  },

  async verify(ctx) {
    const { encryptionType, keyId } = encryptionOf(await describeStream(ctx));
    const encrypted = encryptionType === 'KMS';
    return { compliant: encrypted, detail: `Kinesis stream ${ctx.resource.name} is ${encrypted ? `encrypted with ${keyId}` : 'not encrypted at rest'}` };
  },

  async rollback(ctx, snapshot) {
    if (snapshot.encryptionType === 'KMS') return;
    const stream = await activeStream(ctx);
    if (stream.EncryptionType !== 'KMS') return;
    await ctx.aws
      .client(KinesisClient)
      .send(new StopStreamEncryptionCommand({ StreamName: ctx.resource.name, EncryptionType: 'KMS', KeyId: stream.KeyId ?? KINESIS_MANAGED_KEY }));
    await activeStream(ctx);
  },
});
