import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from '../../workflows/local/moto.js';
import type {} from './moto.js';

/**
 * vitest globalSetup: one moto server per worker for the whole run, instead of one per test file.
 * Starting moto costs a Python interpreter importing moto and Flask (1–3 s of CPU on these cores);
 * with ~50 files that use it, that was minutes of the suite. A file resets its worker's server
 * before its tests (`useMoto`), so it still starts from an empty AWS. A missing moto fails the run
 * here, with the install command ({@link startMoto}).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workers = Math.max(1, project.config.maxWorkers);
  const servers: MotoServer[] = await Promise.all(Array.from({ length: workers }, () => startMoto({ memoisedDispatch: true })));
  project.provide(
    'motoEndpoints',
    servers.map((server) => server.endpoint),
  );
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
}
