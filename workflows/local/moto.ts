import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** moto version the project is tested with (TOOLCHAIN.md). */
export const MOTO_VERSION = '5.2.1';
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const VENV_DIR = path.join(PROJECT_ROOT, '.rectify', 'venv');
const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');
export const MOTO_INSTALL_HINT =
  `moto is not installed. Run: python3 -m venv ${VENV_DIR} && ${VENV_DIR}/bin/pip install "moto[server]==${MOTO_VERSION}"` +
  ` (or: pip install "moto[server]==${MOTO_VERSION}")`;

export class MotoUnavailableError extends Error {
  constructor(detail: string) {
    super(`${MOTO_INSTALL_HINT}\n${detail}`);
    this.name = 'MotoUnavailableError';
  }
}

function canRunMoto(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import moto.server, flask, werkzeug'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * A Python interpreter that can run `moto.server`: the project's virtualenv, then the
 * system python3, and otherwise install moto into the project's virtualenv. Throws
 * {@link MotoUnavailableError} with the exact command when none works.
 */
export function ensureMoto(options: { install?: boolean; log?: (line: string) => void } = {}): string {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (existsSync(VENV_PYTHON) && canRunMoto(VENV_PYTHON)) return VENV_PYTHON;
  const system = process.env.RECTIFY_PYTHON ?? 'python3';
  if (canRunMoto(system)) return system;
  if (options.install === false) throw new MotoUnavailableError('Automatic install was disabled.');
  log(`moto not found; installing moto[server]==${MOTO_VERSION} into ${VENV_DIR} …`);
  mkdirSync(path.dirname(VENV_DIR), { recursive: true });
  const venv = spawnSync(system, ['-m', 'venv', VENV_DIR], { stdio: 'inherit' });
  if (venv.status !== 0) throw new MotoUnavailableError(`'${system} -m venv' failed (is python3-venv installed?).`);
  const pip = spawnSync(path.join(VENV_DIR, 'bin', 'pip'), ['install', '--quiet', `moto[server]==${MOTO_VERSION}`], {
    stdio: 'inherit',
  });
  if (pip.status !== 0 || !canRunMoto(VENV_PYTHON)) throw new MotoUnavailableError('pip install failed (no access to PyPI?).');
  return VENV_PYTHON;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MotoServer {
  readonly endpoint: string;
  /** Forget all state (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * moto ends when the process that started it ends, however that happens (Ctrl-C, a closed pipe,
 * SIGKILL): a thread checks once a second that its parent is still the one that started it.
 */
const EXIT_WITH_PARENT = [
  'import os, threading, time',
  'parent = os.getppid()',
  'def watch():',
  '    while os.getppid() == parent:',
  '        time.sleep(1)',
  '    os._exit(0)',
  'threading.Thread(target=watch, daemon=True).start()',
];

/**
 * Memoises two lookups that moto 5.2.1 repeats on every request: the list of its service packages
 * (a directory listing and ~200 `stat` calls, under a process-wide lock) and the method names of a
 * response class (`inspect.getmembers`). Both depend only on the installed moto, so every answer is
 * the same; a busy server spends about a tenth less CPU.
 */
const MEMOISED_DISPATCH = [
  'import moto.backends as backends',
  'import moto.core.responses as responses',
  'modules = tuple(backends.list_of_moto_modules())',
  'backends.list_of_moto_modules = lambda: modules',
  'names = {}',
  'original = responses.method_names_from_class',
  'responses.method_names_from_class = lambda cls: names.get(cls) or names.setdefault(cls, frozenset(original(cls)))',
];

/**
 * The memoised lookups, with requests answered one at a time. moto's dispatch takes a process-wide
 * lock while it looks the service up (a quarter of its CPU per request, in the lookups above), which
 * all but serialised the requests; memoised, that lock is held for microseconds and requests
 * overlap inside moto's backends, which are not safe for it (a conditional write among 16 concurrent
 * ones was lost). Holding one lock for the whole request keeps moto's answers exactly as before and
 * drops the lookups' cost.
 */
const SERIALISED_MEMOISED_DISPATCH = [
  ...MEMOISED_DISPATCH,
  'import threading',
  'from moto.moto_server.werkzeug_app import DomainDispatcherApplication',
  'one_at_a_time = threading.Lock()',
  'dispatch = DomainDispatcherApplication.__call__',
  'def serialised(self, environ, start_response):',
  '    with one_at_a_time:',
  '        return dispatch(self, environ, start_response)',
  'DomainDispatcherApplication.__call__ = serialised',
];

const RUN_SERVER = ['import sys', 'from moto.server import main', 'main(sys.argv[1:])'];

/** The moto servers this process started and has not stopped yet. */
const running = new Set<ChildProcess>();
let stopOnExit = false;

/** Stop every moto this process started when it exits (normal end, `process.exit`, uncaught error). */
function stopAllOnExit(): void {
  if (stopOnExit) return;
  stopOnExit = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
}

export interface StartMotoOptions {
  /**
   * Install moto into the project's virtualenv when no Python can run it.
   * @default true
   */
  readonly install?: boolean;
  /**
   * Memoise moto's per-request service lookups and let requests overlap (see `MEMOISED_DISPATCH`),
   * for long and busy runs such as the benchmark's storm. By default the lookups are memoised and
   * requests answered one at a time (`SERIALISED_MEMOISED_DISPATCH`).
   * @default false
   */
  readonly memoisedDispatch?: boolean;
  /**
   * Let moto make its sample AMIs. Each time a request first reaches EC2 in an account and region
   * (after every reset), moto builds ~1,200 Amazon AMIs with a volume and a snapshot each: about
   * 0.15 s of CPU per account and region, more than a whole scenario's own EC2 calls, and thousands
   * of snapshots in DescribeSnapshots. No playbook reads an AMI it did not make, and moto does not
   * check the image id RunInstances is given, so the local runtime runs without them.
   * @default false
   */
  readonly sampleAmis?: boolean;
}

/** Start a moto server on a free loopback port and wait until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const python = ensureMoto(options);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const program = [...EXIT_WITH_PARENT, ...(options.memoisedDispatch ? MEMOISED_DISPATCH : SERIALISED_MEMOISED_DISPATCH), ...RUN_SERVER].join('\n');
  stopAllOnExit();
  const child: ChildProcess = spawn(python, ['-c', program, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_PORT: String(port), ...(options.sampleAmis ? {} : { MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new MotoUnavailableError(`moto server exited: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new MotoUnavailableError(`moto server did not answer on ${endpoint} within 20 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
