import type { MemberRole } from '../../tasks/aws/memberRole.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import type { FunctionHandlerName } from '../../workflows/local/callerContext.js';

/** An IAM policy document as CloudFormation holds it, after its intrinsics are resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Statement[];
}
interface Statement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly [field: string]: unknown;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
/** A synthesized template as JSON (`Template.fromStack(stack).toJSON()`). */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
}

/** A role whose identity policies a call is evaluated against. */
export interface EvaluatedRole {
  /** How a failure names it: `member change role RectifyRemediationRole`, `remediate's role rectify-change-task`. */
  readonly label: string;
  readonly arn: string;
  readonly policies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
}

/**
 * Where the synthesized templates meet the local run: the accounts and region the calls were
 * made in, the member roles' names, and the administrator-side resources the local runtime made
 * in place of the stack's, named by the TaskEnv variable both give the functions (the table,
 * topics, parameter, signing secret and state machine).
 */
export interface PolicyWorld {
  readonly adminAccount: string;
  readonly region: string;
  readonly memberRoleNames: Readonly<Record<MemberRole, string>>;
  /** TaskEnv variable → the local value (an IAM pattern where the local name is random, e.g. a secret's suffix). */
  readonly localResources: Readonly<Record<string, string>>;
}

const PARTITION = 'aws';
const FUNCTION = 'AWS::Lambda::Function';
const ROLE = 'AWS::IAM::Role';
const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']);

const asList = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T]);
const refTo = (value: unknown): string | undefined => (value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined);

/** Whether `value` matches an IAM resource pattern (`*` any run of characters, `?` one). */
export function matchesPattern(value: string, pattern: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Resolves a template's intrinsics for one account: pseudo parameters, parameters, and the resources the local run stands in for. */
class IntrinsicResolver {
  constructor(
    private readonly resources: Record<string, CfnResource>,
    private readonly account: string,
    private readonly region: string,
    private readonly parameters: Readonly<Record<string, string>>,
    private readonly refs: Readonly<Record<string, string>>,
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return this.ref(String(arg));
    if (entries.length === 1 && key === 'Fn::GetAtt') return this.getAtt(...(arg as [string, string]));
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => this.resolve(p)).join(separator);
    }
    // The string form only (the scoped playbook statements use it): `${Name}` is a Ref, `${Id.Attr}` a GetAtt.
    if (entries.length === 1 && key === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        const [id, attribute] = name.split('.') as [string, string | undefined];
        return attribute && !name.startsWith('AWS::') ? this.getAtt(id, attribute) : this.ref(name);
      });
    }
    if (entries.length === 1 && key?.startsWith('Fn::')) throw new Error(`SynthesizedPolicies: ${key} is not resolved here; teach IntrinsicResolver it`);
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = { 'AWS::AccountId': this.account, 'AWS::Partition': PARTITION, 'AWS::Region': this.region, 'AWS::URLSuffix': 'amazonaws.com' };
    const value = pseudo[name] ?? this.parameters[name] ?? this.refs[name];
    if (value !== undefined) return value;
    if (name.startsWith('AWS::')) throw new Error(`SynthesizedPolicies: pseudo parameter ${name} is not resolved here`);
    // A resource the local run has no counterpart of: a value no recorded call names.
    return `unresolved:${name}`;
  }

  private getAtt(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    if (attribute === 'Arn' && resource?.Type === ROLE) {
      return `arn:${PARTITION}:iam::${this.account}:role/${String(resource.Properties?.RoleName ?? logicalId)}`;
    }
    if (attribute === 'Arn' && (resource?.Type === 'AWS::DynamoDB::GlobalTable' || resource?.Type === 'AWS::DynamoDB::Table')) {
      return `arn:${PARTITION}:dynamodb:${this.region}:${this.account}:table/${this.ref(logicalId)}`;
    }
    return `arn:${PARTITION}:unresolved:${this.region}:${this.account}:${logicalId}/${attribute}`;
  }
}

/** The role's identity policies, as the template attaches them: inline, AWS::IAM::Policy and customer managed policies. */
function identityPoliciesOf(resources: Record<string, CfnResource>, roleId: string): { name: string; policy: unknown }[] {
  const role = resources[roleId];
  if (role?.Type !== ROLE) throw new Error(`SynthesizedPolicies: ${roleId} is not a role in the template`);
  if (role.Properties?.PermissionsBoundary) throw new Error(`SynthesizedPolicies: ${roleId} has a permissions boundary, which this proof does not evaluate yet`);
  const inline = asList(role.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument }));
  const managedIds = asList(role.Properties?.ManagedPolicyArns).map((arn) => {
    const id = refTo(arn);
    if (!id || resources[id]?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`SynthesizedPolicies: ${roleId} has the managed policy ${JSON.stringify(arn)}, whose statements are not in the template; it cannot be evaluated offline`);
    }
    return id;
  });
  const attached = Object.entries(resources)
    .filter(([id, r]) => POLICY_TYPES.has(r.Type) && (managedIds.includes(id) || asList(r.Properties?.Roles).some((ref) => refTo(ref) === roleId)))
    .map(([id, r]) => ({ name: id, policy: r.Properties?.PolicyDocument }));
  return [...inline, ...attached];
}

/** The action removed from every Allow statement: the policy as it would be without it. */
function withoutActions(policy: PolicyDocument, removed: ReadonlySet<string>): PolicyDocument {
  if (removed.size === 0) return policy;
  const Statement = policy.Statement.flatMap((s) => {
    if (s.Effect !== 'Allow' || s.Action === undefined) return [s];
    const kept = asList(s.Action).filter((a) => !removed.has(a));
    return kept.length === 0 ? [] : [{ ...s, Action: kept }];
  });
  return { ...policy, Statement };
}

/**
 * The policies the two stacks synthesize, resolved for the accounts of a local run: each member
 * role's and each administrator function's role's identity policies, the member roles' trust
 * policies and the resource policies of the admin stack's topics and signing secret.
 *
 * @example
 * const policies = new SynthesizedPolicies({ admin, member }, world);
 * policies.memberRole('change', '222222222222').policies; // RectifyRemediationRole's PlaybookPermissions
 */
export class SynthesizedPolicies {
  private readonly refs: Record<string, string>;

  constructor(
    private readonly templates: { readonly admin: CfnTemplate; readonly member: CfnTemplate },
    private readonly world: PolicyWorld,
    private readonly removed: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) {
    this.refs = this.localRefs();
  }

  /** The same policies with `action` taken out of the Allow statements of the role labelled or named `role`. */
  withoutAction(role: string, action: string): SynthesizedPolicies {
    const removed = new Map(this.removed);
    removed.set(role, new Set([...(removed.get(role) ?? []), action]));
    return new SynthesizedPolicies(this.templates, this.world, removed);
  }

  /** A member role (read or change) in one member account. */
  memberRole(role: MemberRole, account: string): EvaluatedRole {
    const resources = this.templates.member.Resources ?? {};
    const name = this.world.memberRoleNames[role];
    const id = Object.keys(resources).find((k) => resources[k]!.Type === ROLE && resources[k]!.Properties?.RoleName === name);
    if (!id) throw new Error(`SynthesizedPolicies: the member stack has no role named ${name}`);
    return this.role(resources, id, account, `member ${role} role ${name}`, this.memberResolver(account));
  }

  /** The role of the administrator-side function that runs `handler` (RECTIFY_HANDLER in its environment). */
  functionRole(handler: FunctionHandlerName): EvaluatedRole {
    const resources = this.templates.admin.Resources ?? {};
    const fn = Object.values(resources).find((r) => r.Type === FUNCTION && (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[TaskEnv.handler] === handler);
    const roleId = (fn?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error(`SynthesizedPolicies: the admin stack has no function for the ${handler} handler`);
    const roleName = resources[roleId]!.Properties?.RoleName;
    const label = `${handler}'s role ${typeof roleName === 'string' ? roleName : roleId}`;
    return this.role(resources, roleId, this.world.adminAccount, label, this.adminResolver());
  }

  /** The remediation state machine's role: what its service integrations (SNS Publish) call with. */
  stateMachineRole(): EvaluatedRole {
    const resources = this.templates.admin.Resources ?? {};
    const machine = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const roleId = (machine?.Properties?.RoleArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error('SynthesizedPolicies: the admin stack has no state machine with a role of its own');
    return this.role(resources, roleId, this.world.adminAccount, `the state machine's role ${roleId}`, this.adminResolver());
  }

  /**
   * The resource-based policy IAM also evaluates for `resourceArn`: a member role's trust policy
   * (for sts:AssumeRole), an admin topic's or the signing secret's policy; none for the rest.
   */
  resourcePolicyOf(resourceArn: string): PolicyDocument | undefined {
    const role = /^arn:[\w-]+:iam::(\d{12}):role\/(.+)$/.exec(resourceArn);
    if (role) {
      const resources = this.templates.member.Resources ?? {};
      const found = Object.values(resources).find((r) => r.Type === ROLE && r.Properties?.RoleName === role[2]);
      return found ? (this.memberResolver(role[1]!).resolve(found.Properties?.AssumeRolePolicyDocument) as PolicyDocument) : undefined;
    }
    const resources = this.templates.admin.Resources ?? {};
    const resolver = this.adminResolver();
    for (const r of Object.values(resources)) {
      const targets =
        r.Type === 'AWS::SNS::TopicPolicy' ? asList(r.Properties?.Topics) : r.Type === 'AWS::SecretsManager::ResourcePolicy' ? [r.Properties?.SecretId] : [];
      const document = r.Type === 'AWS::SecretsManager::ResourcePolicy' ? r.Properties?.ResourcePolicy : r.Properties?.PolicyDocument;
      if (targets.some((t) => matchesPattern(resourceArn, String(resolver.resolve(t))))) return resolver.resolve(document) as PolicyDocument;
    }
    return undefined;
  }

  /** The local stand-in for one of Rectify's own resources, by the TaskEnv variable that names it to the functions. */
  localResource(variable: string): string {
    const value = this.world.localResources[variable];
    if (!value) throw new Error(`SynthesizedPolicies: the local world names no resource for ${variable}`);
    return value;
  }

  /** ARNs (or patterns) of the admin stack's resources the local run stood in for: Rectify's own, not a finding's. */
  ownResourcePatterns(): string[] {
    const resolver = this.adminResolver();
    const resources = this.templates.admin.Resources ?? {};
    return Object.keys(this.refs).flatMap((id) => {
      const type = resources[id]?.Type;
      const ref = this.refs[id]!;
      if (type === 'AWS::DynamoDB::GlobalTable' || type === 'AWS::DynamoDB::Table') return [String(resolver.resolve({ 'Fn::GetAtt': [id, 'Arn'] }))];
      if (type === 'AWS::SSM::Parameter') return [`arn:${PARTITION}:ssm:${this.world.region}:${this.world.adminAccount}:parameter/${ref.replace(/^\//, '')}`];
      return [ref];
    });
  }

  private role(resources: Record<string, CfnResource>, roleId: string, account: string, label: string, resolver: IntrinsicResolver): EvaluatedRole {
    const roleName = resources[roleId]!.Properties?.RoleName;
    const name = typeof roleName === 'string' ? roleName : roleId;
    const removed = new Set([...(this.removed.get(label) ?? []), ...(this.removed.get(name) ?? [])]);
    return {
      label,
      arn: `arn:${PARTITION}:iam::${account}:role/${name}`,
      policies: identityPoliciesOf(resources, roleId).map(({ name: policyName, policy }) => ({
        name: policyName,
        policy: withoutActions(resolver.resolve(policy) as PolicyDocument, removed),
      })),
    };
  }

  private adminResolver(): IntrinsicResolver {
    return new IntrinsicResolver(this.templates.admin.Resources ?? {}, this.world.adminAccount, this.world.region, {}, this.refs);
  }

  private memberResolver(account: string): IntrinsicResolver {
    // Without rectify.adminAccount the member stack takes the administrator account as a parameter.
    const parameters: Record<string, string> = Object.keys(this.templates.member.Parameters ?? {}).includes('AdminAccountId') ? { AdminAccountId: this.world.adminAccount } : {};
    return new IntrinsicResolver(this.templates.member.Resources ?? {}, account, this.world.region, parameters, {});
  }

  /**
   * Logical id → local value, read off the admin functions' environments: a variable the stack
   * sets to `{ Ref: X }` and the local runtime sets to a value makes that value X's twin.
   */
  private localRefs(): Record<string, string> {
    const refs: Record<string, string> = {};
    for (const r of Object.values(this.templates.admin.Resources ?? {})) {
      if (r.Type !== FUNCTION) continue;
      const variables = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [variable, value] of Object.entries(variables)) {
        const id = refTo(value);
        const local = this.world.localResources[variable];
        if (!id || local === undefined) continue;
        if (refs[id] !== undefined && refs[id] !== local) throw new Error(`SynthesizedPolicies: ${id} stands for both ${refs[id]} and ${local}`);
        refs[id] = local;
      }
    }
    return refs;
  }
}
