import type { AwsClients, ClientConstructor } from '../../tasks/aws/clientFactory.js';

/**
 * Clients for a playbook context whose SDK clients are aws-sdk-client-mock stubs: `client(C)`
 * answers the given instance of `C` (one per client class), and fails on any other class, so a
 * playbook cannot reach a real endpoint by asking for a client the test did not stub.
 *
 * @example
 * const client = new RDSClient({ region: 'us-east-1' });
 * const rds = mockClient(client);
 * const ctx = createPlaybookContext(playbook, request, stubbedClients([client]));
 */
export function stubbedClients(clients: readonly object[], account = '123456789012', region = 'us-east-1'): AwsClients {
  return {
    account,
    region,
    client: <C>(type: ClientConstructor<C>): C => {
      const found = clients.find((candidate) => candidate instanceof type);
      if (!found) throw new Error(`no stubbed client for ${type.name}`);
      return found as C;
    },
  };
}
