import { CreatePolicyVersionCommand, DeletePolicyVersionCommand, IAMClient, SetDefaultPolicyVersionCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { Impact } from '../../domain/constants.js';
import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import {
  attachedEntities,
  grantsFullAdmin,
  readPolicy,
  readVersionDocument,
  statementsOf,
  versionIds,
  type AttachedEntity,
  type PolicyDocument,
  type PolicyStatement,
} from './policyVersions.js';

const Settings = z.object({
  /**
   * Names of users, groups and roles whose access must not change: a policy attached to any of them
   * is escalated to a person, never changed. Roles whose name starts with `rectify` (Rectify's own
   * member roles, whatever their configured name, begin so by default) are always kept.
   * @default []
   */
  keepPrincipals: z.array(z.string().min(1)).default([]),
});
type Settings = z.infer<typeof Settings>;

/** IAM keeps at most five versions of a managed policy; the fix adds one and keeps the others for rollback. */
const MAX_POLICY_VERSIONS = 5;

/**
 * What stands in for the statements removed when nothing else is left (a policy needs one
 * statement): a Deny of every action but every action, which denies nothing and allows nothing.
 */
export const NO_PERMISSIONS_STATEMENT: PolicyStatement = { Sid: 'RectifyRemovedFullAdministrativeAccess', Effect: 'Deny', NotAction: '*', Resource: '*' };

/** The policy's versions and which is the default: all that apply changes, and rollback restores. */
type PolicySnapshot = { policyArn: string; defaultVersionId: string; versionIds: string[] };
type NewVersionChange = { description: string; baseVersionId: string };

// Customer managed policy ARNs: arn:aws:iam::123456789012:policy/name or …:policy/some/path/name.
const CUSTOMER_POLICY_ARN = /^arn:aws[\w-]*:iam::\d{12}:policy\/(?:[^/]+\/)*[\w+=,.@-]{1,128}$/;

function policyArnOf(ctx: PlaybookContext<Settings>): string {
  if (!CUSTOMER_POLICY_ARN.test(ctx.resource.id)) {
    throw new RemediationFailedError(
      `Finding ${ctx.request.findingId} names ${ctx.resource.id}, which is not a customer managed policy ARN: IAM.1 checks only ` +
        'the policies you create, and Rectify never edits an AWS managed policy. Rectify changed nothing.',
    );
  }
  return ctx.resource.id;
}

/** The document IAM.1 accepts: the same, without the full-admin statements. */
function withoutFullAdmin(document: PolicyDocument): PolicyDocument {
  const kept = statementsOf(document).filter((statement) => !grantsFullAdmin(statement));
  return { ...document, Statement: kept.length ? kept : [NO_PERMISSIONS_STATEMENT] };
}

const isKept = (entity: AttachedEntity, settings: Settings) =>
  settings.keepPrincipals.includes(entity.name) || (entity.kind === 'Role' && /^rectify/i.test(entity.name));

/** Refuse what a person must decide: a kept principal, a permissions boundary, no room for a version. */
function refusal(policyArn: string, entities: AttachedEntity[], boundaryUses: number, versions: number, settings: Settings): string | undefined {
  const kept = entities.filter((entity) => isKept(entity, settings)).map((entity) => `${entity.kind}:${entity.name}`);
  if (kept.length) return `${policyArn} is attached to ${kept.join(', ')}, whose access Rectify must not change (keepPrincipals, or a Rectify role)`;
  if (boundaryUses > 0) return `${policyArn} is the permissions boundary of ${boundaryUses} identities; changing it changes what they may ever do`;
  if (versions >= MAX_POLICY_VERSIONS) return `${policyArn} has ${versions} versions, IAM's maximum: one must be deleted by a person before a fixed version can be added`;
  return undefined;
}

/**
 * Removes the statements that grant full administrative access from a customer managed policy, as
 * Security Hub IAM.1 checks it (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1;
 * AWS Config rule iam-policy-no-statements-with-admin-access,
 * https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html,
 * excludePermissionBoundaryPolicy true). The control reads the policy's default version and fails
 * on any `"Effect": "Allow"` statement with `"Action": "*"` over `"Resource": "*"`, attached or not:
 * detaching the policy would leave the finding failed (docs/decisions/025), so `verify` reads the
 * default version's document.
 *
 * The fix is a new default version with every other statement kept as it is; a policy left with
 * none gets one statement that allows and denies nothing. The old versions stay: rollback makes
 * the snapshot's default version the default again and deletes the version Rectify added.
 * Refused (escalated) when the policy is attached to a principal in `keepPrincipals` or to a role
 * named `rectify…`, is a permissions boundary, or already has IAM's five versions. Disruptive:
 * every user, group and role it is attached to loses full administrative access; the plan lists them.
 */
export const removeFullAdminStatements = definePlaybook<PolicySnapshot, NewVersionChange, Settings>({
  id: 'iam-remove-full-admin-statements',
  title: 'Remove full "*" administrative statements from a customer managed IAM policy',
  controls: ['IAM.1', 'cis-aws-foundations-benchmark/v/1.2.0/1.22', 'cis-aws-foundations-benchmark/v/1.4.0/1.16', 'pci-dss/v/3.2.1/PCI.IAM.3'],
  resourceType: 'AwsIamPolicy',
  impact: Impact.DISRUPTIVE,
  permissions: [
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
    'iam:ListPolicyVersions',
    'iam:ListEntitiesForPolicy',
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
    'iam:DeletePolicyVersion',
  ],
  settings: Settings,
  async snapshot(ctx) {
    const policyArn = policyArnOf(ctx);
    const { defaultVersionId } = await readPolicy(ctx, policyArn);
    return { policyArn, defaultVersionId, versionIds: await versionIds(ctx, policyArn) };
  },

  async plan(ctx, current) {
    const document = await readVersionDocument(ctx, current.policyArn, current.defaultVersionId);
    const admin = statementsOf(document).filter(grantsFullAdmin).length;
    if (admin === 0) return { summary: `${current.policyArn} (${current.defaultVersionId}) has no full administrative statement`, changes: [] };
    const entities = await attachedEntities(ctx, current.policyArn);
    const { boundaryUses } = await readPolicy(ctx, current.policyArn);
    const refused = refusal(current.policyArn, entities, boundaryUses, current.versionIds.length, ctx.settings);
    if (refused) throw new RemediationFailedError(`Finding ${ctx.request.findingId}: ${refused}. Rectify changed nothing; fix the policy by hand.`);
    const who = entities.length ? entities.map((entity) => `${entity.kind}:${entity.name}`).join(', ') : 'no identity today';
    const kept = statementsOf(document).length - admin;
    return {
      summary: `Remove ${admin} full administrative statement(s) from ${current.policyArn}`,
      changes: [
        {
          baseVersionId: current.defaultVersionId,
          description:
            `Make a new default version of ${current.policyArn} without its ${admin} "Allow * on *" statement(s), keeping the other ${kept} ` +
            `statement(s) of ${current.defaultVersionId} unchanged (${current.defaultVersionId} is kept; rollback makes it the default again)`,
        },
      ],
      impact: { level: Impact.DISRUPTIVE, why: `Attached to ${who}: each loses full administrative access granted by this policy.` },
    };
  },

  async apply(ctx, plan) {
    const policyArn = policyArnOf(ctx);
    for (const change of plan.changes) {
      const { defaultVersionId } = await readPolicy(ctx, policyArn);
      const document = await readVersionDocument(ctx, policyArn, defaultVersionId);
      if (!statementsOf(document).some(grantsFullAdmin)) continue;
      if (defaultVersionId !== change.baseVersionId) {
        throw new RemediationFailedError(`${policyArn}: its default version is ${defaultVersionId}, not the planned ${change.baseVersionId}; Rectify changed nothing.`);
      }
      const PolicyDocument = JSON.stringify(withoutFullAdmin(document));
      await ctx.aws.client(IAMClient).send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument, SetAsDefault: true }));
    }
  },

  async verify(ctx) {
    const policyArn = policyArnOf(ctx);
    const { defaultVersionId } = await readPolicy(ctx, policyArn);
    const admin = statementsOf(await readVersionDocument(ctx, policyArn, defaultVersionId)).filter(grantsFullAdmin).length;
    return admin === 0
      ? { compliant: true, detail: `The default version ${defaultVersionId} of ${policyArn} has no "Allow * on *" statement` }
      : { compliant: false, detail: `The default version ${defaultVersionId} of ${policyArn} still has ${admin} "Allow * on *" statement(s)` };
  },

  async rollback(ctx, snapshot) {
    const iam = ctx.aws.client(IAMClient);
    const { defaultVersionId } = await readPolicy(ctx, snapshot.policyArn);
    const added = (await versionIds(ctx, snapshot.policyArn)).filter((id) => !snapshot.versionIds.includes(id));
    // Only a default Rectify added (absent at the snapshot) is replaced; a person's later choice stays.
    if (defaultVersionId !== snapshot.defaultVersionId && added.includes(defaultVersionId)) {
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: snapshot.policyArn, VersionId: snapshot.defaultVersionId }));
    }
    const { defaultVersionId: now } = await readPolicy(ctx, snapshot.policyArn);
    for (const VersionId of added.filter((id) => id !== now)) {
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: snapshot.policyArn, VersionId }));
    }
  },
});
