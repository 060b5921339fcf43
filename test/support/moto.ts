import { afterAll, beforeAll, inject } from 'vitest';
import { clientsFor, type AwsClients } from '../../tasks/aws/clientFactory.js';
import { localAwsEnv, LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { startMoto, type MotoServer } from '../../workflows/local/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One moto endpoint per vitest worker, indexed by `VITEST_POOL_ID - 1` (test/support/motoGlobalSetup.ts). */
    motoEndpoints: string[];
  }
}

export interface MotoHandle {
  readonly moto: MotoServer;
  readonly endpoint: string;
  /** Clients for an account through the real client factory (AssumeRole for non-admin accounts). */
  clients(account?: string, region?: string): AwsClients;
}

/**
 * This worker's moto server, started once for the whole run by test/support/motoGlobalSetup.ts.
 * Under a configuration without that setup, the file starts (and stops) its own server.
 */
async function workerMoto(): Promise<{ server: MotoServer; owned: boolean }> {
  const endpoints = inject('motoEndpoints') ?? [];
  const endpoint = endpoints[Number(process.env.VITEST_POOL_ID ?? 1) - 1];
  if (!endpoint) return { server: await startMoto(), owned: true };
  return {
    server: {
      endpoint,
      async reset() {
        const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        // Read to the end, so no request of this file is still open when the next file starts (docs/decisions/018).
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`moto at ${endpoint} did not reset: HTTP ${response.status}`);
      },
      async stop() {
        // The run's global teardown stops it.
      },
    },
    owned: false,
  };
}

/**
 * Point this test file's AWS clients at its worker's moto server, emptied first, so the file
 * starts from a fresh AWS as if the server were its own. A missing moto fails the run loudly with
 * the install command; it never skips.
 */
export function useMoto(): MotoHandle {
  let server: MotoServer | undefined;
  const saved: Record<string, string | undefined> = {};
  const handle: MotoHandle = {
    get moto() {
      if (!server) throw new Error('moto is not started yet: use the handle inside tests or hooks');
      return server;
    },
    get endpoint() {
      return handle.moto.endpoint;
    },
    clients(account = LOCAL_ADMIN_ACCOUNT, region = 'us-east-1') {
      return clientsFor(account, region, {
        adminAccount: LOCAL_ADMIN_ACCOUNT,
        memberRoleName: 'RectifyRemediationRole',
        sameAccountShortcut: true,
        sessionName: 'rectify-test',
      });
    },
  };
  let owned = false;
  beforeAll(async () => {
    ({ server, owned } = await workerMoto());
    if (!owned) await server.reset();
    for (const [key, value] of Object.entries(localAwsEnv(server.endpoint))) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterAll(async () => {
    if (owned) await server?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  return handle;
}
