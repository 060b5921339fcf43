/**
 * The CIS monitoring controls CloudWatch.1–14: for each, the metric filter pattern Security Hub
 * requires on the log group of a multi-Region trail, exactly as the control reference gives it
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html, section
 * "Remediation" of each control; checked against awsdocs/aws-security-hub-user-guide
 * doc_source/cloudwatch-controls.md @ bda5bf7, 2023-03-10). Security Hub "uses custom logic to
 * perform the exact audit steps prescribed" by the CIS AWS Foundations Benchmark and fails the
 * control when the pattern is not the prescribed one: "Additional fields or terms cannot be added".
 * Each control's legacy standard-specific ids (CIS v1.2.0, v1.4.0, PCI DSS v3.2.1) come from
 * the consolidation table (doc_source/asff-changes-consolidation.md @ bda5bf7).
 */
export interface CisMetricFilter {
  /** The consolidated control id, e.g. `CloudWatch.1`. */
  readonly control: string;
  /** What the filter counts, as the control's title says it. */
  readonly watches: string;
  /** The filter pattern of the control reference, character for character. */
  readonly pattern: string;
  /** The standard-specific ids findings carry when consolidated control findings is off. */
  readonly aliases: readonly string[];
  /** The name Rectify gives the metric filter, its metric and the alarm it creates: `rectify-cloudwatch-<n>-<what>`. */
  readonly name: string;
}

const CIS_120 = 'cis-aws-foundations-benchmark/v/1.2.0';
const CIS_140 = 'cis-aws-foundations-benchmark/v/1.4.0';

/** CloudWatch.1–14, in control order. */
export const CIS_METRIC_FILTERS: readonly CisMetricFilter[] = [
  {
    control: 'CloudWatch.1',
    watches: 'usage of the root user',
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    aliases: [`${CIS_120}/1.1`, `${CIS_120}/3.3`, `${CIS_140}/1.7`, `${CIS_140}/4.3`, 'pci-dss/v/3.2.1/PCI.CW.1'],
    name: 'rectify-cloudwatch-1-root-user-usage',
  },
  {
    control: 'CloudWatch.2',
    watches: 'unauthorized API calls',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    aliases: [`${CIS_120}/3.1`],
    name: 'rectify-cloudwatch-2-unauthorized-api-calls',
  },
  {
    control: 'CloudWatch.3',
    watches: 'Management Console sign-in without MFA',
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    aliases: [`${CIS_120}/3.2`],
    name: 'rectify-cloudwatch-3-console-sign-in-without-mfa',
  },
  {
    control: 'CloudWatch.4',
    watches: 'IAM policy changes',
    pattern:
      '{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}',
    aliases: [`${CIS_120}/3.4`, `${CIS_140}/4.4`],
    name: 'rectify-cloudwatch-4-iam-policy-changes',
  },
  {
    control: 'CloudWatch.5',
    watches: 'CloudTrail configuration changes',
    pattern: '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
    aliases: [`${CIS_120}/3.5`, `${CIS_140}/4.5`],
    name: 'rectify-cloudwatch-5-cloudtrail-changes',
  },
  {
    control: 'CloudWatch.6',
    watches: 'Management Console authentication failures',
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    aliases: [`${CIS_120}/3.6`, `${CIS_140}/4.6`],
    name: 'rectify-cloudwatch-6-console-authentication-failures',
  },
  {
    control: 'CloudWatch.7',
    watches: 'disabling or scheduled deletion of customer managed keys',
    pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}',
    aliases: [`${CIS_120}/3.7`, `${CIS_140}/4.7`],
    name: 'rectify-cloudwatch-7-disable-or-delete-cmk',
  },
  {
    control: 'CloudWatch.8',
    watches: 'S3 bucket policy changes',
    pattern:
      '{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}',
    aliases: [`${CIS_120}/3.8`, `${CIS_140}/4.8`],
    name: 'rectify-cloudwatch-8-s3-bucket-policy-changes',
  },
  {
    control: 'CloudWatch.9',
    watches: 'AWS Config configuration changes',
    pattern:
      '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}',
    aliases: [`${CIS_120}/3.9`, `${CIS_140}/4.9`],
    name: 'rectify-cloudwatch-9-config-changes',
  },
  {
    control: 'CloudWatch.10',
    watches: 'security group changes',
    pattern:
      '{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}',
    aliases: [`${CIS_120}/3.10`, `${CIS_140}/4.10`],
    name: 'rectify-cloudwatch-10-security-group-changes',
  },
  {
    control: 'CloudWatch.11',
    watches: 'network ACL changes',
    pattern:
      '{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}',
    aliases: [`${CIS_120}/3.11`, `${CIS_140}/4.11`],
    name: 'rectify-cloudwatch-11-network-acl-changes',
  },
  {
    control: 'CloudWatch.12',
    watches: 'network gateway changes',
    pattern:
      '{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}',
    aliases: [`${CIS_120}/3.12`, `${CIS_140}/4.12`],
    name: 'rectify-cloudwatch-12-network-gateway-changes',
  },
  {
    control: 'CloudWatch.13',
    watches: 'route table changes',
    pattern:
      '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
    aliases: [`${CIS_120}/3.13`, `${CIS_140}/4.13`],
    name: 'rectify-cloudwatch-13-route-table-changes',
  },
  {
    control: 'CloudWatch.14',
    watches: 'VPC changes',
    pattern:
      '{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}',
    aliases: [`${CIS_120}/3.14`, `${CIS_140}/4.14`],
    name: 'rectify-cloudwatch-14-vpc-changes',
  },
];

/** Every id the playbook lists: each consolidated control followed by its aliases. */
export const CIS_METRIC_FILTER_CONTROL_IDS: readonly string[] = CIS_METRIC_FILTERS.flatMap((f) => [f.control, ...f.aliases]);

/** The filter a finding's control id (consolidated or alias) asks for. */
export function cisMetricFilterFor(controlId: string): CisMetricFilter {
  const filter = CIS_METRIC_FILTERS.find((f) => f.control === controlId || f.aliases.includes(controlId));
  if (!filter) throw new Error(`${controlId} is not one of CloudWatch.1–14 or their standard-specific ids`);
  return filter;
}

/**
 * Whether a metric filter's pattern is the control's. Security Hub compares the pattern the CIS
 * benchmark prescribes; the control reference prints the same pattern with and without spaces
 * around operators (CIS's own text spaces them), so only whitespace is ignored: any other
 * difference, an added term included, fails, as it fails Security Hub.
 */
export const patternMatches = (actual: string | undefined, required: string): boolean =>
  actual !== undefined && actual.replace(/\s+/g, '') === required.replace(/\s+/g, '');
