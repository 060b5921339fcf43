import type { PlannedChange } from './definePlaybook.js';

/**
 * The tag Rectify puts on every resource it creates (a trail, bucket, key, log group, role, alarm),
 * valued with the playbook id. Rollback deletes a resource only when it did not exist at the
 * snapshot and still carries this tag with its playbook's id, read live right before the delete:
 * what a person created, or took over by removing the tag, is never Rectify's to remove.
 */
export const CREATED_BY_TAG = 'rectify:created-by';

/** Orders of magnitude of a monthly bill in USD, as a plan and the catalog state them. */
export const MONTHLY_COST_ORDERS = ['< $1', '$1–10', '$10–100', '$100–1,000', '> $1,000'] as const;
export type MonthlyCostOrder = (typeof MONTHLY_COST_ORDERS)[number];

/**
 * A billable resource a playbook may create, declared on the playbook (`creates`) so that the
 * catalog marks it cost-bearing, and stated in each plan that creates it.
 *
 * @example
 * { type: 'AWS::CloudTrail::Trail', monthlyCost: '$1–10', costBasis: 'S3 storage of the log files; the first copy of management events is free' }
 */
export interface CreatedResource {
  /** The CloudFormation resource type, e.g. `AWS::Logs::LogGroup`. */
  readonly type: string;
  /** The usual monthly cost in one account and region, as an order of magnitude. */
  readonly monthlyCost: MonthlyCostOrder;
  /** What the cost depends on, in words a reviewer can weigh against their account. */
  readonly costBasis: string;
}

/** A planned change that creates a resource: its description says name, tag, encryption, rollback and cost. */
export type CreationChange = PlannedChange & {
  readonly creates: { readonly type: string; readonly name: string; readonly encryption: string; readonly monthlyCost: MonthlyCostOrder };
};

/**
 * The planned change for creating `name`, described the same way by every playbook so the approval
 * page and the audit trail show what is created, how it is protected, that rollback removes it and
 * what it costs.
 *
 * @example
 * creationChange(TRAIL, 'rectify-management-events', 'encrypted with KMS key alias/rectify-cloudtrail')
 * // { description: 'Create AWS::CloudTrail::Trail rectify-management-events (tagged rectify:created-by, encrypted with …; rollback removes it); cost $1–10/month: …', creates: {…} }
 */
export function creationChange(resource: CreatedResource, name: string, encryption: string): CreationChange {
  return {
    description: `Create ${resource.type} ${name} (tagged ${CREATED_BY_TAG}, ${encryption}; rollback removes it); cost ${resource.monthlyCost}/month: ${resource.costBasis}`,
    creates: { type: resource.type, name, encryption, monthlyCost: resource.monthlyCost },
  };
}

/** The tag to put on a resource `playbookId` creates, as a record (most create APIs) … */
export const createdByTags = (playbookId: string): Record<string, string> => ({ [CREATED_BY_TAG]: playbookId });

/** … and as a `Key`/`Value` list (EC2, IAM, CloudTrail, Config, S3 tagging). */
export const createdByTagList = (playbookId: string) => [{ Key: CREATED_BY_TAG, Value: playbookId }];

/**
 * Whether live tags say `playbookId` created the resource. Accepts a record or a `Key`/`Value`
 * list, whichever the service returns.
 */
export function isCreatedBy(tags: Record<string, string | undefined> | readonly { Key?: string; Value?: string }[] | undefined, playbookId: string): boolean {
  if (!tags) return false;
  if (Array.isArray(tags)) return tags.some((t: { Key?: string; Value?: string }) => t.Key === CREATED_BY_TAG && t.Value === playbookId);
  return (tags as Record<string, string | undefined>)[CREATED_BY_TAG] === playbookId;
}
