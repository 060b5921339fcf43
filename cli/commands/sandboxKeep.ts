import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MotoServer } from '../../workflows/local/moto.js';
import { sandboxDir } from '../../workflows/local/rectifyHome.js';
import { UsageError } from '../errors.js';
import { onInterrupt } from '../lifecycle.js';

/** What a kept sandbox leaves for `rectify sandbox stop`: which process to stop, and its moto. */
interface KeptSandbox {
  readonly pid: number;
  readonly endpoint: string;
}

const keptFile = () => path.join(sandboxDir(), 'kept.json');

/** The commands to try against a kept sandbox, exactly as they are typed. */
export function nextCommands(endpoint: string, executionName: string | undefined): string[] {
  return [
    `npx rectify mode get --endpoint ${endpoint}`,
    `npx rectify mode set approve --control EC2.19 --endpoint ${endpoint}`,
    `npx rectify exemptions list --endpoint ${endpoint}`,
    `npx rectify report --html report.html --endpoint ${endpoint}`,
    ...(executionName ? [`npx rectify trace ${executionName}`] : []),
    `npx rectify simulate scenarios/approved.json --endpoint ${endpoint}`,
  ];
}

/**
 * Keep the sandbox's moto running until Ctrl-C, a termination signal, or `rectify sandbox stop`
 * (which signals this process). Then moto is stopped, the record removed, and the process exits 0.
 */
export async function keepUntilStopped(moto: MotoServer, executionName: string | undefined, say: (line: string) => void): Promise<void> {
  mkdirSync(sandboxDir(), { recursive: true });
  writeFileSync(keptFile(), JSON.stringify({ pid: process.pid, endpoint: moto.endpoint } satisfies KeptSandbox));
  say(`\nmoto keeps running at ${moto.endpoint} with the estate's state. Try:`);
  for (const command of nextCommands(moto.endpoint, executionName)) say(`  ${command}`);
  say('Stop it with Ctrl-C here, or from another terminal: npx rectify sandbox stop');
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => onInterrupt(() => resolve()));
  clearInterval(keepAlive);
  onInterrupt(undefined);
  await moto.stop();
  rmSync(keptFile(), { force: true });
  say(`sandbox stopped: moto at ${moto.endpoint} is gone`);
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `rectify sandbox stop`: stop the sandbox kept with --keep, and wait until its moto is gone. */
export async function stopKeptSandbox(): Promise<void> {
  if (!existsSync(keptFile())) throw new UsageError(`no kept sandbox is recorded in ${sandboxDir()}: start one with \`npm run sandbox -- --keep\``);
  const kept = JSON.parse(readFileSync(keptFile(), 'utf8')) as KeptSandbox;
  if (!isRunning(kept.pid)) {
    rmSync(keptFile(), { force: true });
    process.stdout.write(`the kept sandbox (process ${kept.pid}) had already ended; nothing to stop\n`);
    return;
  }
  process.kill(kept.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isRunning(kept.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isRunning(kept.pid)) throw new UsageError(`the kept sandbox (process ${kept.pid}) did not stop within 15 s: stop it with \`kill ${kept.pid}\``);
  process.stdout.write(`sandbox stopped: moto at ${kept.endpoint} is gone\n`);
}
