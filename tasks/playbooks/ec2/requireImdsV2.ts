import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  type Instance,
  type ModifyInstanceMetadataOptionsCommandInput,
} from '@aws-sdk/client-ec2';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlanImpact, type PlaybookContext } from '../definePlaybook.js';

/** Every instance metadata option ModifyInstanceMetadataOptions can set; `null` when EC2 reports none. */
type MetadataOptions = {
  HttpTokens: string | null;
  HttpPutResponseHopLimit: number | null;
  HttpEndpoint: string | null;
  HttpProtocolIpv6: string | null;
  InstanceMetadataTags: string | null;
};
type ImdsSnapshot = { instanceId: string; metadataOptions: MetadataOptions };

/** Instances in these states cannot be modified, and will not run IMDS again. */
const GONE_STATES = new Set(['shutting-down', 'terminated']);

async function readInstance(ctx: PlaybookContext<unknown>): Promise<Instance> {
  const { Reservations = [] } = await ctx.aws.client(EC2Client).send(new DescribeInstancesCommand({ InstanceIds: [ctx.resource.name] }));
  const instance = Reservations.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (!instance) throw new Error(`EC2 instance ${ctx.resource.name} was not found in ${ctx.resource.region}`);
  return instance;
}

function metadataOptionsOf(instance: Instance): MetadataOptions {
  const options = instance.MetadataOptions ?? {};
  return {
    HttpTokens: options.HttpTokens ?? null,
    HttpPutResponseHopLimit: options.HttpPutResponseHopLimit ?? null,
    HttpEndpoint: options.HttpEndpoint ?? null,
    HttpProtocolIpv6: options.HttpProtocolIpv6 ?? null,
    InstanceMetadataTags: options.InstanceMetadataTags ?? null,
  };
}

/**
 * The request that sets every option to `options`. All of them are sent, not only the one that
 * changes: an option left out may be reset (moto does so), and nothing beside the token
 * requirement may move.
 */
function modifyRequest(instanceId: string, options: MetadataOptions): ModifyInstanceMetadataOptionsCommandInput {
  const set = Object.entries(options).filter(([, value]) => value !== null);
  return { InstanceId: instanceId, ...Object.fromEntries(set) };
}

const sameOptions = (a: MetadataOptions, b: MetadataOptions) =>
  (Object.keys(a) as (keyof MetadataOptions)[]).every((key) => a[key] === b[key]);

/**
 * The impact of requiring tokens on an instance with these options: disruptive while anything on
 * it can call IMDS without a token; not when the metadata endpoint is off, as nothing reaches it.
 */
function impactFor(options: MetadataOptions): PlanImpact {
  if (options.HttpEndpoint === 'disabled') {
    return { level: 'non-disruptive', why: 'the instance metadata endpoint is turned off, so nothing on the instance can call IMDS today' };
  }
  return {
    level: 'disruptive',
    why: 'software on the instance that still calls IMDSv1 (old SDKs and agents reading credentials without a token) gets HTTP 401 from then on',
  };
}

/**
 * Requires IMDSv2 on an EC2 instance (EC2.8, https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8;
 * AWS Config rule `ec2-imdsv2-check`, https://docs.aws.amazon.com/config/latest/developerguide/ec2-imdsv2-check.html):
 * the rule reads `HttpTokens` only, failing `optional`, and so does `verify` (an instance whose
 * endpoint is off still fails while its tokens are optional). Sets `HttpTokens` to `required`,
 * so the instance metadata service answers only requests that carry a session token. Every other
 * metadata option (hop limit, endpoint on/off, IPv6 endpoint, tags in metadata) is read first and
 * sent back unchanged; the instance itself is not stopped or rebooted. Refuses terminated instances.
 *
 * Disruptive by default ({@link impactFor}): software that still calls IMDSv1 breaks. Containers
 * that reach IMDS through an extra network hop also need a hop limit of 2; this playbook does not
 * raise it. Rollback restores all five options as they were.
 */
export const requireImdsV2 = definePlaybook<ImdsSnapshot, { description: string }>({
  id: 'ec2-require-imdsv2',
  title: 'Require IMDSv2 (session tokens) on an EC2 instance',
  controls: ['EC2.8', 'cis-aws-foundations-benchmark/v/3.0.0/5.6', 'cis-aws-foundations-benchmark/v/5.0.0/5.7'],
  resourceType: 'AwsEc2Instance',
  impact: 'disruptive',
  permissions: ['ec2:DescribeInstances', 'ec2:ModifyInstanceMetadataOptions'],

  snapshot: async (ctx) => ({ instanceId: ctx.resource.name, metadataOptions: metadataOptionsOf(await readInstance(ctx)) }),

  async plan(ctx, current) {
    const state = (await readInstance(ctx)).State?.Name ?? 'unknown';
    if (GONE_STATES.has(state)) {
      throw new RemediationFailedError(
        `Cannot require IMDSv2 on EC2 instance ${ctx.resource.id} (finding ${ctx.request.findingId}): it is ${state}, ` +
          'and EC2 does not modify an instance in that state. Rectify changed nothing; the finding archives itself once the instance is gone.',
      );
    }
    const { HttpTokens, ...others } = current.metadataOptions;
    if (HttpTokens === 'required') return { summary: `EC2 instance ${current.instanceId} already requires IMDSv2`, changes: [] };
    const kept = Object.entries(others)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    const impact = impactFor(current.metadataOptions);
    return {
      summary: `Require IMDSv2 on EC2 instance ${current.instanceId} (${impact.level}: ${impact.why})`,
      changes: [
        {
          description:
            `Set HttpTokens from ${HttpTokens ?? 'unset'} to required on EC2 instance ${current.instanceId}: IMDSv1 calls without a ` +
            `session token get HTTP 401 from then on. Kept as they are: ${kept || 'no other options reported'}`,
        },
      ],
      impact,
    };
  },

  async apply(ctx) {
    // Re-read: the options to keep are the live ones, and an instance already fixed is left alone.
    const live = metadataOptionsOf(await readInstance(ctx));
    if (live.HttpTokens === 'required') return;
    const request = modifyRequest(ctx.resource.name, { ...live, HttpTokens: 'required' });
    await ctx.aws.client(EC2Client).send(new ModifyInstanceMetadataOptionsCommand(request));
  },

  async verify(ctx) {
    const { HttpTokens } = metadataOptionsOf(await readInstance(ctx));
    return HttpTokens === 'required'
      ? { compliant: true, detail: `EC2 instance ${ctx.resource.name} requires IMDSv2 (HttpTokens required)` }
      : { compliant: false, detail: `EC2 instance ${ctx.resource.name} still accepts IMDSv1 (HttpTokens ${HttpTokens ?? 'unset'})` };
  },

  async rollback(ctx, snapshot) {
    if (sameOptions(metadataOptionsOf(await readInstance(ctx)), snapshot.metadataOptions)) return;
    await ctx.aws.client(EC2Client).send(new ModifyInstanceMetadataOptionsCommand(modifyRequest(snapshot.instanceId, snapshot.metadataOptions)));
  },
});
