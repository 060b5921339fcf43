import type { AwsStub } from 'aws-sdk-client-mock';
import { requiredActions } from '../permissions/sdkActions.js';

/**
 * The permission proof for a playbook moto cannot emulate (`notEmulated`): its scenarios cannot run
 * through the workflow, so test/playbooks/scenarios.slow.test.ts records none of its calls. Its direct
 * test, which drives it through aws-sdk-client-mock stubs, proves instead that every command the
 * playbook sent needs only actions it declares, and that it declares no action none of them needed.
 *
 * @param stubs each stub by SDK client name without `Client` (`{ APIGateway: mockClient(APIGatewayClient) }`;
 *   a stub of a client class is restored in an `afterAll`, as the fast tier's files share a process: docs/decisions/018)
 * @returns the IAM actions the sent commands need (irregular names resolved as the proof resolves them)
 *
 * @example
 * expect(actionsSentTo({ Account: account })).toEqual(new Set(playbook.permissions));
 */
// A stub of any client: their input and output types differ.
export function actionsSentTo(stubs: Readonly<Record<string, AwsStub<any, any, any>>>): Set<string> {
  const actions = new Set<string>();
  for (const [service, stub] of Object.entries(stubs)) {
    for (const call of stub.calls()) {
      const command = call.args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
      const name = command.constructor.name.replace(/Command$/, '');
      for (const required of requiredActions({ service, command: name, names: {}, account: '', region: '', caller: 'remediate' })) actions.add(required.action);
    }
  }
  return actions;
}
