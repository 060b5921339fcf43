/**
 * CloudFormation and IAM quotas (default values) and what a synthesized template uses of them,
 * counted as AWS counts: a template body in bytes as uploaded, a policy in characters of its JSON
 * without whitespace, after CloudFormation has replaced its tokens.
 */

/** A CloudFormation template as `cdk synth` writes it. */
export interface TemplateJson {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, { readonly Type: string; readonly AllowedPattern?: string; readonly MaxLength?: number }>;
  readonly [key: string]: unknown;
}

export const Limit = {
  /** Bytes of a template passed inline (TemplateBody): the console's upload, `--template-body`. */
  templateBodyInline: 51_200,
  /** Bytes of a template read from S3 (TemplateURL), as `cdk deploy` uploads it. */
  templateBodyS3: 1_048_576,
  resources: 500,
  outputs: 200,
  parameters: 200,
  /** Characters of all inline policies of one role together (AWS::IAM::Role Policies and AWS::IAM::Policy). */
  roleInlinePolicies: 10_240,
  /** Characters of one customer managed policy. */
  managedPolicy: 6_144,
  /** Characters of a role's trust policy (adjustable up to 4,096; the default is what a new account has). */
  roleTrustPolicy: 2_048,
  /** Managed policies attached to one role (adjustable up to 20). */
  managedPoliciesPerRole: 10,
} as const;

/** Bytes of a template as `cdk synth` writes it (one-space indentation) and CloudFormation receives it. */
export function templateBytes(template: TemplateJson): number {
  return Buffer.byteLength(JSON.stringify(template, undefined, 1));
}

/**
 * The longest value each pseudo parameter can take, so a policy is measured at its largest:
 * `aws-us-gov` is the longest partition, `us-isof-south-1` the longest region code, `amazonaws.com.cn`
 * the longest URL suffix.
 */
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-isof-south-1',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
  'AWS::StackId': 'x'.repeat(256),
};

/**
 * What a reference to a resource (`Ref`, `Fn::GetAtt`, a `Fn::Select` over its ARN, …) stands for:
 * 256 characters, longer than any ARN or name CloudFormation generates for these stacks' resources
 * (their stack names are fixed and short, generated names are at most about 80 characters).
 */
const RESOURCE_REFERENCE = 'x'.repeat(256);

function parameterValue(template: TemplateJson, name: string): string {
  const parameter = template.Parameters?.[name];
  if (!parameter) return RESOURCE_REFERENCE;
  const digits = /^\^\\d\{(\d+)\}\$$/.exec(parameter.AllowedPattern ?? '');
  if (digits) return '0'.repeat(Number(digits[1]));
  if (parameter.MaxLength !== undefined) return 'x'.repeat(parameter.MaxLength);
  throw new Error(`parameter ${name} appears in a policy but bounds neither its length (MaxLength) nor its form (AllowedPattern ^\\d{n}$)`);
}

function resolveString(template: TemplateJson, value: unknown): string {
  const resolved = worstCase(template, value);
  return typeof resolved === 'string' ? resolved : RESOURCE_REFERENCE;
}

/** `value` with every CloudFormation token replaced by the longest string it can become. */
export function worstCase(template: TemplateJson, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => worstCase(template, item));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') {
    const name = String(argument);
    return PSEUDO_PARAMETERS[name] ?? (template.Resources[name] ? RESOURCE_REFERENCE : parameterValue(template, name));
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = argument as [string, unknown[]];
    return parts.map((part) => resolveString(template, part)).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Sub' && typeof argument === 'string') {
    return argument.replace(/\$\{([^}!]+)\}/g, (_, name: string) => resolveString(template, name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name }));
  }
  if (entries.length === 1 && key?.startsWith('Fn::')) return RESOURCE_REFERENCE;
  return Object.fromEntries(entries.map(([k, v]) => [k, worstCase(template, v)]));
}

/** Characters IAM counts for a policy document: its JSON without whitespace, tokens at their longest. */
export function policyChars(template: TemplateJson, document: unknown): number {
  return JSON.stringify(worstCase(template, document)).length;
}

/** What one role uses of IAM's per-role quotas. */
export interface RoleUsage {
  /** Logical id, or `name:<RoleName>` for a role outside the template that a policy here attaches to. */
  readonly role: string;
  /** All inline policies together; each policy's name is counted too, to err on the safe side. */
  readonly inlineChars: number;
  readonly trustChars: number;
  readonly managedPolicies: number;
  /** The largest of the customer managed policies of this template attached to it. */
  readonly largestManagedChars: number;
}

export interface TemplateUsage {
  readonly bytes: number;
  readonly resources: number;
  readonly outputs: number;
  readonly parameters: number;
  readonly roles: readonly RoleUsage[];
}

type Properties = Record<string, unknown>;

/** The roles a policy resource attaches to, as logical ids or `name:<RoleName>`. */
function attachedRoles(template: TemplateJson, properties: Properties): string[] {
  const roles = [...((properties.Roles as unknown[] | undefined) ?? []), ...(properties.RoleName ? [properties.RoleName] : [])];
  return roles.map((role) => {
    if (role && typeof role === 'object' && 'Ref' in role) return String(role.Ref);
    const named = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === role);
    return named ? named[0] : `name:${JSON.stringify(role)}`;
  });
}

/** What the template uses of CloudFormation's quotas, and each role of IAM's. */
export function templateUsage(template: TemplateJson): TemplateUsage {
  const usage = new Map<string, { inlineChars: number; trustChars: number; managedPolicies: number; largestManagedChars: number }>();
  const of = (role: string) => {
    const found = usage.get(role) ?? { inlineChars: 0, trustChars: 0, managedPolicies: 0, largestManagedChars: 0 };
    usage.set(role, found);
    return found;
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        const role = of(logicalId);
        role.trustChars = policyChars(template, properties.AssumeRolePolicyDocument);
        for (const policy of (properties.Policies as { PolicyName: unknown; PolicyDocument: unknown }[] | undefined) ?? []) {
          role.inlineChars += resolveString(template, policy.PolicyName).length + policyChars(template, policy.PolicyDocument);
        }
        role.managedPolicies += ((properties.ManagedPolicyArns as unknown[] | undefined) ?? []).length;
        break;
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy': {
        const chars = resolveString(template, properties.PolicyName).length + policyChars(template, properties.PolicyDocument);
        for (const role of attachedRoles(template, properties)) of(role).inlineChars += chars;
        break;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const chars = policyChars(template, properties.PolicyDocument);
        for (const role of attachedRoles(template, properties)) {
          of(role).managedPolicies += 1;
          of(role).largestManagedChars = Math.max(of(role).largestManagedChars, chars);
        }
        break;
      }
    }
  }
  return {
    bytes: templateBytes(template),
    resources: Object.keys(template.Resources).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    parameters: Object.keys(template.Parameters ?? {}).length,
    roles: [...usage.entries()].map(([role, u]) => ({ role, ...u })).sort((a, b) => a.role.localeCompare(b.role)),
  };
}

/** Every quota `usage` exceeds, as `what: used > limit`; `inlineBody` also holds the body to the inline upload limit. */
export function exceeded(usage: TemplateUsage, options: { inlineBody: boolean }): string[] {
  const over: string[] = [];
  const check = (what: string, used: number, limit: number) => {
    if (used > limit) over.push(`${what}: ${used} > ${limit}`);
  };
  check('template body (bytes)', usage.bytes, options.inlineBody ? Limit.templateBodyInline : Limit.templateBodyS3);
  check('resources', usage.resources, Limit.resources);
  check('outputs', usage.outputs, Limit.outputs);
  check('parameters', usage.parameters, Limit.parameters);
  for (const role of usage.roles) {
    check(`${role.role} inline policies (chars)`, role.inlineChars, Limit.roleInlinePolicies);
    check(`${role.role} trust policy (chars)`, role.trustChars, Limit.roleTrustPolicy);
    check(`${role.role} managed policies attached`, role.managedPolicies, Limit.managedPoliciesPerRole);
    check(`${role.role} managed policy (chars)`, role.largestManagedChars, Limit.managedPolicy);
  }
  return over;
}
