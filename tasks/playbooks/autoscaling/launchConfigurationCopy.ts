import {
  AutoScalingClient,
  CreateLaunchConfigurationCommand,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  UpdateAutoScalingGroupCommand,
  type CreateLaunchConfigurationCommandInput,
  type LaunchConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { RemediationFailedError, RollbackFailedError } from '../../domain/errors.js';
import type { JsonValue, PlaybookContext } from '../definePlaybook.js';
import type { CreatedResource, CreationChange } from '../createdResources.js';

/**
 * Launch configurations cannot change, and AutoScaling.3 and AutoScaling.5 evaluate the launch
 * configuration itself (AWS::AutoScaling::LaunchConfiguration), not the groups. The finding passes
 * only once its launch configuration is gone, so the fix (docs/decisions/027) is: copy it with the
 * one field changed under a `rectify-…` name, point every group that uses it at the copy, then
 * delete the original. Rollback creates the original again from the snapshot (same name and
 * definition; AWS gives it a new ARN), points the groups back and deletes the copy.
 *
 * Launch configurations carry no tags: the copy is Rectify's by its name (`rectify-<control>-…`),
 * its absence at the snapshot, and a definition equal to the original's with only the control's
 * field changed, all read live right before the delete.
 */

/** The launch-configuration permissions both playbooks declare. */
export const LAUNCH_CONFIGURATION_PERMISSIONS = [
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:CreateLaunchConfiguration',
  'autoscaling:UpdateAutoScalingGroup',
  'autoscaling:DeleteLaunchConfiguration',
] as const;

export const LAUNCH_CONFIGURATION: CreatedResource = {
  type: 'AWS::AutoScaling::LaunchConfiguration',
  monthlyCost: '< $1',
  costBasis: 'a launch configuration is free; the instances launched from it cost what they cost today',
};

/** What one launch-configuration control checks, and the one field its copy changes. */
export interface LaunchConfigurationRule {
  /** Short name in the copy's name: `rectify-<tag>-<original>`. */
  readonly tag: string;
  readonly compliant: (config: LaunchConfiguration) => boolean;
  /** The copy's definition: the original's with only the control's field changed. */
  readonly fixed: (definition: Definition) => Definition;
  /** The change in words, for the plan. */
  readonly change: (config: LaunchConfiguration) => string;
}

/** A launch configuration's definition as CreateLaunchConfiguration takes it (no name). */
export type Definition = Omit<CreateLaunchConfigurationCommandInput, 'LaunchConfigurationName' | 'InstanceId'>;

/**
 * Everything the fix changes: the original (its definition, `null` once deleted) and the groups
 * on it, and the copy and the groups on it. The workflow also snapshots right after apply, when
 * the original is gone and the copy holds the groups.
 */
export type LaunchConfigurationSnapshot = { name: string; definition: JsonValue; groups: string[]; copy: JsonValue; copyGroups: string[] };

/**
 * The planned creation of the copy, said as `creationChange` says it, except the tag: launch
 * configurations take no tags, so the plan says how Rectify knows the copy instead of claiming one.
 */
function copyCreation(name: string, what: string): CreationChange {
  const { type, monthlyCost, costBasis } = LAUNCH_CONFIGURATION;
  return {
    description:
      `Create ${type} ${name} (${what}; launch configurations take no tags or encryption settings: Rectify knows it by its name and definition; ` +
      `rollback removes it); cost ${monthlyCost}/month: ${costBasis}`,
    creates: { type, name, encryption: 'none of its own (it holds no data; the volumes it defines keep their encryption settings)', monthlyCost },
  };
}

export const copyNameOf = (rule: LaunchConfigurationRule, original: string) => `rectify-${rule.tag}-${original}`.slice(0, 255);

/** The definition of a launch configuration, with what Describe returns empty left out (CreateLaunchConfiguration rejects it). */
export function definitionOf(config: LaunchConfiguration): Definition {
  const { LaunchConfigurationName: _n, LaunchConfigurationARN: _a, CreatedTime: _c, ...rest } = config;
  const kept = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
  return JSON.parse(JSON.stringify(Object.fromEntries(kept))) as Definition;
}

/** JSON with keys sorted at every level, to compare definitions read in different orders. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

export async function describeLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, name: string): Promise<LaunchConfiguration | undefined> {
  const { LaunchConfigurations = [] } = await ctx.aws.client(AutoScalingClient).send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
  return LaunchConfigurations.find((c) => c.LaunchConfigurationName === name);
}

/** The names of the groups that launch from `name`, sorted. */
async function groupsUsing(ctx: PlaybookContext<unknown, unknown>, name: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.aws.client(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100, ...(NextToken ? { NextToken } : {}) }));
    names.push(...(page.AutoScalingGroups ?? []).filter((g) => g.LaunchConfigurationName === name).map((g) => g.AutoScalingGroupName!));
    NextToken = page.NextToken;
  } while (NextToken);
  return names.sort();
}

/**
 * The snapshot. A missing launch configuration fails it, unless Rectify's copy exists: then the
 * original was deleted by this fix, and the snapshot records that.
 */
export async function snapshotLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, rule: LaunchConfigurationRule): Promise<LaunchConfigurationSnapshot> {
  const config = await describeLaunchConfiguration(ctx, ctx.resource.name);
  const copyName = copyNameOf(rule, ctx.resource.name);
  const copy = await describeLaunchConfiguration(ctx, copyName);
  if (!config && !copy) throw new Error(`Launch configuration ${ctx.resource.id} was not found in ${ctx.resource.region}`);
  return {
    name: ctx.resource.name,
    definition: config ? (definitionOf(config) as JsonValue) : null,
    groups: await groupsUsing(ctx, ctx.resource.name),
    copy: copy ? (definitionOf(copy) as JsonValue) : null,
    copyGroups: copy ? await groupsUsing(ctx, copyName) : [],
  };
}

/** The plan: create the copy, move each group, delete the original; refused where Rectify cannot do it safely. */
export async function planLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, rule: LaunchConfigurationRule, current: LaunchConfigurationSnapshot, what: string) {
  const config = await describeLaunchConfiguration(ctx, current.name);
  if (!config) return { summary: `Launch configuration ${current.name} is deleted; its groups launch from ${copyNameOf(rule, current.name)}`, changes: [] };
  if (rule.compliant(config)) return { summary: `Launch configuration ${current.name} already ${what}`, changes: [] };
  const refuse = (why: string) => {
    throw new RemediationFailedError(`Cannot fix launch configuration ${ctx.resource.id} (finding ${ctx.request.findingId}): ${why}. Rectify changed nothing.`);
  };
  if (current.groups.length === 0) {
    refuse('no Auto Scaling group uses it, so nothing launches from it; delete it if it is not needed, or exempt it in the register');
  }
  if (config.IamInstanceProfile) {
    refuse(`copying it would pass its instance profile ${config.IamInstanceProfile} (iam:PassRole), which Rectify is never granted on a role it did not create; replace it with a launch template by hand`);
  }
  const copy = copyNameOf(rule, current.name);
  return {
    summary: `Replace launch configuration ${current.name} with ${copy}, which ${what}, in ${current.groups.join(', ')}`,
    changes: [
      copyCreation(copy, `a copy of ${current.name} with ${rule.change(config)}`),
      ...current.groups.map((group) => ({ description: `Point Auto Scaling group ${group} at ${copy} (its running instances are not replaced; new ones launch from the copy)` })),
      { description: `Delete launch configuration ${current.name}, which no group uses then: only its deletion ends the finding (rollback creates it again with the same name and definition)` },
    ],
    impact: {
      level: 'disruptive' as const,
      why: `instances launched by ${current.groups.join(', ')} from then on come up with ${rule.change(config)}`,
    },
  };
}

/** Copy, move, delete; each step skipped when done already (idempotent). Reads everything live. */
export async function applyLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, rule: LaunchConfigurationRule): Promise<void> {
  const client = ctx.aws.client(AutoScalingClient);
  const snapshot = { name: ctx.resource.name };
  const original = await describeLaunchConfiguration(ctx, snapshot.name);
  if (!original) return;
  if (rule.compliant(original)) return;
  const copy = copyNameOf(rule, snapshot.name);
  if (!(await describeLaunchConfiguration(ctx, copy))) {
    await client.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: copy, ...rule.fixed(definitionOf(original)) }));
  }
  for (const group of await groupsUsing(ctx, snapshot.name)) {
    await client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, LaunchConfigurationName: copy }));
  }
  await client.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: snapshot.name }));
}

/** The finding's launch configuration passes, or is gone with every group on a passing copy. */
export async function verifyLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, rule: LaunchConfigurationRule, what: string) {
  const original = await describeLaunchConfiguration(ctx, ctx.resource.name);
  if (original) {
    return rule.compliant(original)
      ? { compliant: true, detail: `Launch configuration ${ctx.resource.name} ${what}` }
      : { compliant: false, detail: `Launch configuration ${ctx.resource.name} still exists and does not: ${rule.change(original)} is not set` };
  }
  const copy = copyNameOf(rule, ctx.resource.name);
  const replacement = await describeLaunchConfiguration(ctx, copy);
  if (!replacement || !rule.compliant(replacement)) return { compliant: false, detail: `Launch configuration ${ctx.resource.name} is gone, but ${copy} is missing or does not pass` };
  return { compliant: true, detail: `Launch configuration ${ctx.resource.name} is deleted; its groups launch from ${copy}, which ${what}` };
}

export async function rollbackLaunchConfiguration(ctx: PlaybookContext<unknown, unknown>, rule: LaunchConfigurationRule, snapshot: LaunchConfigurationSnapshot): Promise<void> {
  const client = ctx.aws.client(AutoScalingClient);
  if (snapshot.definition === null) throw new RollbackFailedError(`Launch configuration ${snapshot.name} did not exist at the snapshot; Rectify has nothing to restore`);
  const definition = snapshot.definition as Definition;
  if (!(await describeLaunchConfiguration(ctx, snapshot.name))) {
    await client.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: snapshot.name, ...definition }));
  }
  const copy = copyNameOf(rule, snapshot.name);
  const onCopy = await groupsUsing(ctx, copy);
  for (const group of onCopy.filter((g) => snapshot.groups.includes(g))) {
    await client.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, LaunchConfigurationName: snapshot.name }));
  }
  if (snapshot.copy !== null) return;
  const live = await describeLaunchConfiguration(ctx, copy);
  if (!live) return;
  const stillOn = await groupsUsing(ctx, copy);
  if (stillOn.length > 0 || canonical(definitionOf(live)) !== canonical(rule.fixed(definition))) {
    throw new RollbackFailedError(
      `Launch configuration ${copy}: ${stillOn.length > 0 ? `groups ${stillOn.join(', ')} that Rectify did not move use it` : 'its definition is not the one Rectify created'}; ` +
        `Rectify left it in place. ${snapshot.name} and the groups Rectify moved are restored.`,
    );
  }
  await client.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: copy }));
}
