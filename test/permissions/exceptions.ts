/**
 * Reviewed exceptions to the permission proof (docs/decisions/013). Each entry names what it
 * excuses and why; the proof fails when an entry no longer applies, so the list cannot rot.
 */

/** A playbook's declared permission that no scenario run exercises, and why it is not dead. */
export interface UnexercisedPermission {
  /** Playbook id, or `tag reads` for the member roles' tag-read permissions (tasks/domain/resourceTags.ts). */
  readonly playbook: string;
  readonly action: string;
  /** The code path that calls it, and why no scenario reaches it. */
  readonly reason: string;
}

export const UNEXERCISED_PERMISSIONS: readonly UnexercisedPermission[] = [
  {
    playbook: 'iam-enforce-strong-password-policy',
    action: 'iam:DeleteAccountPasswordPolicy',
    reason:
      'Rollback of an account that had no password policy before the change deletes the one Rectify wrote (iam/passwordPolicy.ts deletePolicy); ' +
      'the rollback scenario starts from a weak policy, not from none.',
  },
  {
    playbook: 'lambda-remove-public-function-permissions',
    action: 'lambda:GetFunctionConfiguration',
    reason:
      'Only when GetPolicy answers ResourceNotFound: it tells a deleted function from one without a policy (lambda/functionPolicy.ts requireFunction); ' +
      'every scenario\'s function exists and has a policy.',
  },
  {
    playbook: 's3-require-secure-transport',
    action: 's3:DeleteBucketPolicy',
    reason: 'Rollback of a bucket that had no policy before the change (s3/requireSecureTransport.ts rollback); the scenarios\' buckets start with one.',
  },
  {
    playbook: 'rds-enable-instance-deletion-protection-runbook',
    action: 'rds:ModifyDBInstance',
    reason:
      'Rollback only, once the runbook has enabled protection (the runbook modifies the instance as the automation role); moto has no SSM ' +
      'Automation, so in the rollback scenario the runbook never starts and the rollback finds nothing to undo.',
  },
  {
    playbook: 'rds-enable-instance-deletion-protection-runbook',
    action: 'ssm:GetAutomationExecution',
    reason:
      'Polls the runbook started by StartAutomationExecution (playbooks/ssmAutomation.ts), which moto does not implement: the start fails and nothing ' +
      'is polled. enableDeletionProtectionWithRunbook.workflow.test.ts stubs SSM in the SDK, below the recorder.',
  },
  {
    playbook: 'rds-enable-instance-deletion-protection-runbook',
    action: 'ssm:StopAutomationExecution',
    reason: 'Cancels a runbook that outlives its deadline (playbooks/ssmAutomation.ts); moto does not run runbooks, as for ssm:GetAutomationExecution.',
  },
  ...['s3:DeleteObject', 's3:DeleteObjectVersion'].map((action) => ({
    playbook: 'config-enable-recorder',
    action,
    reason:
      'Rollback empties the delivery bucket it created before deleting it (s3/deliveryBucket.ts deleteCreatedDeliveryBucket, DeleteObjects); moto ' +
      'delivers no Config snapshots, so the rollback scenario\'s bucket is empty. The emptying is tested in test/playbooks/s3/deliveryBucket.test.ts.',
  })),
  ...['cloudformation:DescribeStacks', 'states:DescribeStateMachine', 'states:ListTagsForResource'].map((action) => ({
    playbook: 'tag reads',
    action,
    reason:
      'Tag reads of CloudFormation stacks and Step Functions state machines (tasks/domain/tagReaders/cloudformation.ts, stepfunctions.ts): the only ' +
      'playbooks for these types (CloudFormation.3, StepFunctions.1) are not emulated, so no scenario runs them; the readers are tested against moto ' +
      'in test/aws/resourceTagsCatalogV2.test.ts.',
  })),
  {
    playbook: 'tag reads',
    action: 'secretsmanager:DescribeSecret',
    reason:
      'Tag reads of Secrets Manager secrets (tasks/domain/tagReaders/secretsmanager.ts): the only playbooks for the type (SecretsManager.1, .4) are ' +
      'not emulated (moto runs rotation functions only in Docker), so no scenario runs them; the reader is tested against moto in ' +
      'test/aws/resourceTagsBehaviour.test.ts.',
  },
  {
    playbook: 'tag reads',
    action: 'ec2:DescribeLaunchTemplates',
    reason:
      'Tag reads of EC2 launch templates (tasks/domain/tagReaders/ec2.ts): the only playbooks for this type (EC2.25, EC2.170) are not emulated ' +
      '(moto has no DeleteLaunchTemplateVersions), so no scenario runs them; the reader is tested against moto in test/aws/resourceTagsLaunch.test.ts.',
  },
];

/**
 * A denial the proof reports and that is kept open on purpose, with what keeps it open. The proof
 * fails on every other denial, and on an entry here that no longer occurs.
 */
export interface DenialUnderReview {
  /** The role's label as the proof prints it (`approval's role …` is matched by its start). */
  readonly role: string;
  readonly action: string;
  readonly reason: string;
}

/** None today: the task-token answers were the last (decision 017). */
export const DENIALS_UNDER_REVIEW: readonly DenialUnderReview[] = [];
