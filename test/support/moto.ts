import { afterAll, beforeAll } from 'vitest';
import { clientsFor, type AwsClients } from '../../tasks/aws/clientFactory.js';
import { localAwsEnv, LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { startMoto, type MotoServer } from '../../workflows/local/moto.js';

export interface MotoHandle {
  readonly moto: MotoServer;
  readonly endpoint: string;
  /** Clients for an account through the real client factory (AssumeRole for non-admin accounts). */
  clients(account?: string, region?: string): AwsClients;
}

/**
 * Start one moto server for the test file and point this process's AWS clients at it.
 * A missing moto fails the suite loudly with the install command; it never skips.
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
  beforeAll(async () => {
    server = await startMoto();
    for (const [key, value] of Object.entries(localAwsEnv(server.endpoint))) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterAll(async () => {
    await server?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  return handle;
}
