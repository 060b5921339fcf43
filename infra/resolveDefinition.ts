/**
 * Turn a synthesized state machine's `DefinitionString` (a CloudFormation `Fn::Join` of
 * literals and `Ref` / `Fn::GetAtt` tokens) into plain ASL JSON. `stack.resolve` does not
 * flatten it, and the local runtime, asl-validator and definition tests all need plain ASL.
 *
 * Task functions become `arn:aws:lambda:<region>:<account>:function:rectify-<RECTIFY_HANDLER>`,
 * the ARNs the local runtime routes back to the in-process handlers.
 */

/** A CloudFormation template as JSON (`Template.fromStack(stack).toJSON()` or a file in cdk.out). */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
}
interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** One ASL state, as far as the tests and the local runtime look into it. */
export interface AslState {
  readonly Type: string;
  readonly [field: string]: unknown;
}
/** A plain Amazon States Language definition. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly TimeoutSeconds?: number;
  readonly [field: string]: unknown;
}

export interface ResolveOptions {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'aws' */
  readonly partition?: string;
}

const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';
const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

/** The plain ASL of the state machine `logicalId` (default: the template's first state machine). */
export function resolveStateMachineDefinition(
  template: CfnTemplate,
  logicalIdOrFirst?: string,
  options: ResolveOptions = {},
): AslDefinition {
  const resources = template.Resources ?? {};
  const machines = Object.entries(resources).filter(([, r]) => r.Type === STATE_MACHINE);
  const found = logicalIdOrFirst ? machines.find(([id]) => id === logicalIdOrFirst) : machines[0];
  if (!found) {
    const known = machines.map(([id]) => id).join(', ') || 'none';
    throw new Error(`no state machine ${logicalIdOrFirst ?? ''} in the template (state machines: ${known})`);
  }
  const [logicalId, machine] = found;
  const props = machine.Properties ?? {};
  if (props.Definition !== undefined) {
    return resolveValue(props.Definition, new Resolver(resources, options)) as AslDefinition;
  }
  const text = resolveValue(props.DefinitionString, new Resolver(resources, options));
  if (typeof text !== 'string') throw new Error(`state machine ${logicalId} has no DefinitionString`);
  return JSON.parse(text) as AslDefinition;
}

class Resolver {
  readonly pseudo: Record<string, string>;
  constructor(
    readonly resources: Record<string, CfnResourceJson>,
    readonly options: ResolveOptions,
  ) {
    this.pseudo = {
      'AWS::Partition': options.partition ?? 'aws',
      'AWS::Region': options.region ?? 'us-east-1',
      'AWS::AccountId': options.account ?? '123456789012',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'RectifyAdmin',
    };
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.pseudo['AWS::Partition']}:${service}:${this.pseudo['AWS::Region']}:${this.pseudo['AWS::AccountId']}:${resource}`;
  }

  /** `rectify-<handler>` for our task functions, the logical id for anything else. */
  functionName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const env = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    const handler = env?.RECTIFY_HANDLER;
    return typeof handler === 'string' ? `rectify-${handler}` : logicalId;
  }

  resource(logicalId: string): CfnResourceJson {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`the definition references ${logicalId}, which is not in the template`);
    return resource;
  }

  ref(name: string): string {
    const pseudo = this.pseudo[name];
    if (pseudo !== undefined) return pseudo;
    const resource = this.resource(name);
    switch (resource.Type) {
      case LAMBDA_FUNCTION:
        return this.functionName(name);
      case 'AWS::SNS::Topic':
        return this.arn('sns', name);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.pseudo['AWS::Region']}.amazonaws.com/${this.pseudo['AWS::AccountId']}/${name}`;
      default:
        // Tables, parameters, buckets...: their Ref is the physical name.
        return name;
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
    switch (resource.Type) {
      case LAMBDA_FUNCTION:
        return this.arn('lambda', `function:${this.functionName(logicalId)}`);
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return this.arn('dynamodb', `table/${logicalId}`);
      case 'AWS::SQS::Queue':
        return this.arn('sqs', logicalId);
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${logicalId}`);
      default:
        throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.Arn (${resource.Type})`);
    }
  }
}

function resolveValue(value: unknown, resolver: Resolver): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, resolver));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
    return resolveIntrinsic(key, arg, resolver);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v, resolver)]));
}

function resolveIntrinsic(name: string, arg: unknown, resolver: Resolver): string {
  switch (name) {
    case 'Ref':
      return resolver.ref(String(arg));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
      return resolver.getAtt(String(logicalId), String(attribute));
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => asString(resolveValue(p, resolver), name)).join(separator);
    }
    case 'Fn::Sub': {
      const [text, vars = {}] = (Array.isArray(arg) ? arg : [arg]) as [string, Record<string, unknown>?];
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_, ref: string) => {
        if (ref in vars) return asString(resolveValue(vars[ref], resolver), name);
        const [id, attribute] = ref.split('.');
        return attribute ? resolver.getAtt(id!, attribute) : resolver.ref(ref);
      });
    }
    default:
      throw new Error(`cannot resolve ${name} in a state machine definition`);
  }
}

function asString(value: unknown, within: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${within} part did not resolve to a string: ${JSON.stringify(value)}`);
}
