import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { ensureMoto } from '../workflows/local/moto.js';

const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
};

/** What the figures were measured on, read at run time. */
export function describeMachine() {
  const python = ensureMoto();
  return {
    cpus: os.cpus().length,
    nproc: run('nproc', []),
    memory: run('free', ['-h']).split('\n').find((line) => line.startsWith('Mem:'))?.replace(/\s+/g, ' ') ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    moto: run(python, ['-c', 'import moto; print(moto.__version__)']),
  };
}

/** 1-minute load average: other work on the machine slows every figure down. */
export const loadAverage = (): number => Math.round(os.loadavg()[0]! * 100) / 100;
