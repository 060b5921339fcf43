import { execFile } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The entry point `npx rectify` runs (package.json "bin"). */
export const BIN = path.join(ROOT, 'cli', 'bin.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The first line of stderr, or of stdout when stderr is empty: what a person reads first. */
  readonly firstLine: string;
}

/** Run `rectify ARGS` to its end; resolves with the exit code and output, whatever the code. */
export function rectify(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 120_000 }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      const code = failure ? (typeof failure.code === 'number' ? failure.code : null) : 0;
      const firstLine = (stderr.trim() ? stderr : stdout).split('\n')[0] ?? '';
      resolve({ code, signal: failure?.signal ?? null, stdout, stderr, firstLine });
    });
  });
}
