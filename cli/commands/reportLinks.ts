import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';

/** Console host of each AWS partition. */
const CONSOLE_HOST: Readonly<Record<string, string>> = { aws: 'console.aws.amazon.com', 'aws-us-gov': 'console.amazonaws-us-gov.com', 'aws-cn': 'console.amazonaws.cn' };

/**
 * Links to each execution in the Step Functions console, from the state machine's ARN (the
 * RectifyAdmin stack output StateMachineArn): the execution ARN is that ARN's `stateMachine`
 * segment turned into `execution` plus the execution name.
 *
 * @example
 * consoleLinks('arn:aws:states:eu-west-1:111111111111:stateMachine:Rectify')('S3-8-a-1b2c');
 * // 'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:111111111111:execution:Rectify:S3-8-a-1b2c'
 */
export function consoleLinks(stateMachineArn: string): (executionName: string) => string {
  const match = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([\w-]+)$/.exec(stateMachineArn);
  if (!match) throw new UsageError(`--state-machine "${stateMachineArn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>; the RectifyAdmin stack output StateMachineArn)`);
  const [, partition, region, account, name] = match as unknown as [string, string, string, string, string];
  const host = `${partition === 'aws' ? `${region}.` : ''}${CONSOLE_HOST[partition] ?? CONSOLE_HOST.aws}`;
  return (executionName) => `https://${host}/states/home?region=${region}#/v2/executions/details/arn:${partition}:states:${region}:${account}:execution:${name}:${encodeURIComponent(executionName)}`;
}

/**
 * Links to local trace pages under `dir`: an execution whose trace was saved but never drawn
 * is drawn now (`render`), so every local execution with a trace gets a working link.
 */
export async function localTraceLinks(
  dir: string,
  executionNames: readonly string[],
  render: (executionName: string) => Promise<string>,
): Promise<(executionName: string) => string | undefined> {
  const links = new Map<string, string>();
  for (const name of executionNames) {
    const html = path.join(dir, `${name}.html`);
    if (!existsSync(html)) {
      if (!existsSync(path.join(dir, `${name}.json`))) continue;
      writeFileSync(html, await render(name));
    }
    links.set(name, pathToFileURL(html).href);
  }
  return (name) => links.get(name);
}
