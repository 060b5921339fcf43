import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RemediationWorkflow, TASK_HANDLERS, type RemediationFunctions, type TaskHandlerName } from '../remediationWorkflow.js';

export interface LocalDefinitionOptions {
  readonly account: string;
  readonly region: string;
  readonly approvalTimeoutSeconds?: number;
}

/** Function ARN of a task handler in the local runtime; the runtime maps it back to the handler. */
export function localFunctionArn(handler: TaskHandlerName, account: string, region: string): string {
  return `arn:aws:lambda:${region}:${account}:function:rectify-${handler}`;
}

/** The handler a local function ARN names, if it is one of ours. */
export function handlerOfArn(arn: string): TaskHandlerName | undefined {
  const name = arn.split(':function:')[1]?.replace(/^rectify-/, '');
  return TASK_HANDLERS.find((h) => h === name);
}

type Cfn = unknown;
/** Flatten the only intrinsics a state machine definition built from literal ARNs contains. */
function resolveIntrinsics(value: Cfn, pseudo: Record<string, string>): Cfn {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, pseudo));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref' && typeof arg === 'string') {
        const resolved = pseudo[arg];
        if (resolved === undefined) throw new Error(`cannot resolve Ref ${arg} locally`);
        return resolved;
      }
      if (key === 'Fn::Join' && Array.isArray(arg)) {
        const [sep, parts] = arg as [string, Cfn[]];
        return parts.map((p) => resolveIntrinsics(p, pseudo)).join(sep);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, pseudo)]));
  }
  return value;
}

/**
 * The definition with its substitutions (`${Name}`) filled in, as Step Functions fills in a state
 * machine's DefinitionSubstitutions: the local runtime's values for what the stack gives its own
 * resources (the escalations topic). A placeholder left without a value is an error, not a literal.
 */
export function substituteDefinition(definition: Record<string, unknown>, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const text = JSON.stringify(definition).replace(/\$\{(\w+)\}/g, (placeholder: string, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the definition substitution ${placeholder} has no local value`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(text) as Record<string, unknown>;
}

/** Definitions already built in this process, as JSON text, by their options. */
const built = new Map<string, string>();

/**
 * The remediation workflow's ASL, synthesised from the same CDK construct the stack deploys,
 * with the task functions as plain ARNs the local runtime routes to in-process handlers.
 */
export function buildLocalDefinition(options: LocalDefinitionOptions): Record<string, unknown> {
  // Building is pure and costs 0.1–0.7 s; each caller gets its own copy to keep.
  const key = JSON.stringify([options.account, options.region, options.approvalTimeoutSeconds ?? null]);
  let text = built.get(key);
  if (text === undefined) {
    text = JSON.stringify(synthesizeLocalDefinition(options));
    built.set(key, text);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

function synthesizeLocalDefinition(options: LocalDefinitionOptions): Record<string, unknown> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'RectifyLocal', { env: { account: options.account, region: options.region } });
  const functions = Object.fromEntries(
    TASK_HANDLERS.map((h) => [h, lambda.Function.fromFunctionArn(stack, `Fn-${h}`, localFunctionArn(h, options.account, options.region))]),
  ) as unknown as RemediationFunctions;
  const workflow = new RemediationWorkflow(stack, 'Workflow', {
    functions,
    ...(options.approvalTimeoutSeconds ? { approvalTimeout: Duration.seconds(options.approvalTimeoutSeconds) } : {}),
  });
  const machine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(workflow.definition),
    timeout: workflow.executionTimeout,
  });
  const cfn = machine.node.defaultChild as sfn.CfnStateMachine;
  const resolved = resolveIntrinsics(stack.resolve(cfn.definitionString), {
    'AWS::Partition': 'aws',
    'AWS::Region': options.region,
    'AWS::AccountId': options.account,
    'AWS::URLSuffix': 'amazonaws.com',
  });
  if (typeof resolved !== 'string') throw new Error('state machine definition did not resolve to a string');
  return JSON.parse(resolved) as Record<string, unknown>;
}
