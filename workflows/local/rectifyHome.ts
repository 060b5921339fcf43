import path from 'node:path';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** The variable that moves everything local runs leave behind (tests point it at a temporary directory). */
export const RECTIFY_HOME_ENV = 'RECTIFY_HOME';

/**
 * Where local runs keep what they leave behind: execution traces, the sandbox's report, the
 * address of a kept sandbox. `RECTIFY_HOME` when set, otherwise `.rectify/` in the project
 * (gitignored). Read on every call, so a test that sets the variable is honoured.
 *
 * @example
 * RECTIFY_HOME=/tmp/rectify npx rectify simulate scenarios/approved.json  # traces in /tmp/rectify/traces
 */
export function rectifyHome(): string {
  const configured = process.env[RECTIFY_HOME_ENV];
  return configured ? path.resolve(configured) : path.join(PROJECT_ROOT, '.rectify');
}

/** Each local execution's trace (`rectify trace` reads them). */
export function traceDir(): string {
  return path.join(rectifyHome(), 'traces');
}

/** The sandbox's report and the address of a kept sandbox. */
export function sandboxDir(): string {
  return path.join(rectifyHome(), 'sandbox');
}
