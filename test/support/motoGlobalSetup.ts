import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from '../../workflows/local/moto.js';
import type {} from './moto.js';

/**
 * vitest globalSetup: one moto server per worker for the whole run, instead of one per test file.
 * Starting moto costs a Python interpreter importing moto and Flask (a second or more of CPU on
 * these cores), and ~50 files use it. A file resets its worker's server before its tests
 * (`useMoto`), so it still starts from an empty AWS. The servers are `startMoto`'s default: no
 * sample AMIs, lookups memoised, one request at a time (not the benchmark's `memoisedDispatch`,
 * whose overlapping requests once lost one of 16 concurrent conditional writes in
 * test/hardening/guardrailContention.test.ts; docs/decisions/036). Where no Python can run moto it is installed into `.rectify/venv`; failing
 * that, the run fails here with the command to run ({@link startMoto}).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Beyond eight workers (a big machine), a worker without one starts its own per file, as before.
  const workers = Math.min(8, Math.max(1, project.config.maxWorkers));
  const servers: MotoServer[] = await Promise.all(Array.from({ length: workers }, () => startMoto()));
  project.provide(
    'motoEndpoints',
    servers.map((server) => server.endpoint),
  );
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
}
