import {
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  type LaunchTemplateVersion,
  type RequestLaunchTemplateData,
  type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { RollbackFailedError } from '../../domain/errors.js';
import type { JsonValue, PlaybookContext } from '../definePlaybook.js';

/**
 * Launch templates are versioned: a version cannot change, so a fix is a new version with the one
 * field changed, made the default. The Config rules behind EC2.25 and EC2.170 evaluate the
 * template's **default** version only, and so does every check here.
 *
 * Versions carry no tags. The version Rectify creates is marked in its description
 * ({@link rectifyMarker}); rollback deletes a version only when it carries the marker of the same
 * playbook, read live right before the delete, and did not carry it at the snapshot (docs/decisions/027).
 */

/** The launch-template permissions every playbook built on this helper declares. */
export const LAUNCH_TEMPLATE_PERMISSIONS = [
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:CreateLaunchTemplateVersion',
  'ec2:ModifyLaunchTemplate',
  'ec2:DeleteLaunchTemplateVersions',
] as const;

/** The description that marks a version as created by `playbookId` (255 characters at most). */
export const rectifyMarker = (playbookId: string, sourceVersion: number) => `rectify:created-by ${playbookId} (from version ${sourceVersion})`;
const isOurs = (version: LaunchTemplateVersion, playbookId: string) => version.VersionDescription?.startsWith(`rectify:created-by ${playbookId} `) ?? false;

/** What one snapshot of a template holds: the default version, its checked field, and the versions already marked ours. */
export type LaunchTemplateSnapshot = {
  templateId: string;
  templateName: string;
  defaultVersion: number;
  /** The checked field of the default version, as EC2 returns it (`null` when the version does not set it). */
  field: JsonValue;
  rectifyVersions: number[];
};

/** What a launch-template control checks in the default version, and the one change that fixes it. */
export interface LaunchTemplateRule<F extends keyof ResponseLaunchTemplateData & keyof RequestLaunchTemplateData> {
  readonly field: F;
  /** Whether the default version's data passes the Config rule. */
  readonly compliant: (data: ResponseLaunchTemplateData) => boolean;
  /** The value of `field` the new version gets: the current one with only the control's change. */
  readonly fixed: (data: ResponseLaunchTemplateData) => RequestLaunchTemplateData[F];
}

async function describeTemplate(ctx: PlaybookContext<unknown, unknown>) {
  const { LaunchTemplates = [] } = await ctx.aws.client(EC2Client).send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [ctx.resource.name] }));
  const template = LaunchTemplates.find((t) => t.LaunchTemplateId === ctx.resource.name);
  if (!template) throw new Error(`EC2 launch template ${ctx.resource.id} was not found in ${ctx.resource.region}`);
  return template;
}

/** The template's default version, read live. */
export async function defaultVersionOf(ctx: PlaybookContext<unknown, unknown>): Promise<LaunchTemplateVersion> {
  const { LaunchTemplateVersions = [] } = await ctx.aws
    .client(EC2Client)
    .send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ctx.resource.name, Versions: ['$Default'] }));
  const version = LaunchTemplateVersions[0];
  if (!version) throw new Error(`EC2 launch template ${ctx.resource.id} has no default version`);
  return version;
}

/** Every version of the template (paginated), to find the ones Rectify created. */
async function allVersions(ctx: PlaybookContext<unknown, unknown>): Promise<LaunchTemplateVersion[]> {
  const versions: LaunchTemplateVersion[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.aws
      .client(EC2Client)
      .send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ctx.resource.name, MaxResults: 200, ...(NextToken ? { NextToken } : {}) }));
    versions.push(...(page.LaunchTemplateVersions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return versions;
}

/** The snapshot: the default version, its checked field and the versions this playbook marked. */
export async function snapshotTemplate(ctx: PlaybookContext<unknown, unknown>, field: string, playbookId: string): Promise<LaunchTemplateSnapshot> {
  const template = await describeTemplate(ctx);
  const version = await defaultVersionOf(ctx);
  const data = (version.LaunchTemplateData ?? {}) as Record<string, unknown>;
  return {
    templateId: template.LaunchTemplateId!,
    templateName: template.LaunchTemplateName ?? '',
    defaultVersion: template.DefaultVersionNumber ?? version.VersionNumber!,
    field: data[field] === undefined ? null : (JSON.parse(JSON.stringify(data[field])) as JsonValue),
    rectifyVersions: (await allVersions(ctx))
      .filter((v) => isOurs(v, playbookId))
      .map((v) => v.VersionNumber!)
      .sort((a, b) => a - b),
  };
}

/**
 * Creates the fixed version from the default one and makes it the default. The new version names
 * the default as its `SourceVersion`, so it inherits every launch parameter of it, and sends only
 * the control's field (whole: EC2 replaces a top-level parameter, it does not merge into it).
 * Idempotent: a default version that already passes is left alone.
 */
export async function applyFixedVersion<F extends keyof ResponseLaunchTemplateData & keyof RequestLaunchTemplateData>(
  ctx: PlaybookContext<unknown, unknown>,
  rule: LaunchTemplateRule<F>,
  playbookId: string,
): Promise<void> {
  const source = await defaultVersionOf(ctx);
  const data = source.LaunchTemplateData ?? {};
  if (rule.compliant(data)) return;
  const ec2 = ctx.aws.client(EC2Client);
  const { LaunchTemplateVersion: created } = await ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: ctx.resource.name,
      SourceVersion: String(source.VersionNumber),
      VersionDescription: rectifyMarker(playbookId, source.VersionNumber!),
      LaunchTemplateData: { [rule.field]: rule.fixed(data) } as RequestLaunchTemplateData,
    }),
  );
  await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: ctx.resource.name, DefaultVersion: String(created!.VersionNumber) }));
}

/**
 * Sets the default version back to the snapshot's and deletes the versions this playbook created
 * since. A default moved by someone else (neither the snapshot's nor one of ours) is left alone
 * and the rollback fails, for a person to look at: Rectify undoes only its own change.
 */
export async function rollbackTemplate(ctx: PlaybookContext<unknown, unknown>, snapshot: LaunchTemplateSnapshot, playbookId: string): Promise<void> {
  const ec2 = ctx.aws.client(EC2Client);
  const versions = await allVersions(ctx);
  const ours = versions.filter((v) => isOurs(v, playbookId) && !snapshot.rectifyVersions.includes(v.VersionNumber!));
  const current = (await describeTemplate(ctx)).DefaultVersionNumber;
  if (current !== snapshot.defaultVersion) {
    if (!ours.some((v) => v.VersionNumber === current)) {
      throw new RollbackFailedError(
        `EC2 launch template ${ctx.resource.id}: its default version is now ${current}, which Rectify did not create (it was ${snapshot.defaultVersion}). ` +
          'Rectify left it as it is; set the default version by hand if needed.',
      );
    }
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: ctx.resource.name, DefaultVersion: String(snapshot.defaultVersion) }));
  }
  if (ours.length === 0) return;
  // EC2 answers a version it could not delete in the response, not with an error.
  const { UnsuccessfullyDeletedLaunchTemplateVersions: failed = [] } = await ec2.send(
    new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: ctx.resource.name, Versions: ours.map((v) => String(v.VersionNumber)) }),
  );
  if (failed.length > 0) {
    const why = failed.map((f) => `version ${f.VersionNumber}: ${f.ResponseError?.Code ?? 'unknown'} ${f.ResponseError?.Message ?? ''}`.trim()).join('; ');
    throw new RollbackFailedError(`EC2 launch template ${ctx.resource.id}: the default version is back to ${snapshot.defaultVersion}, but Rectify could not delete its own versions (${why})`);
  }
}
