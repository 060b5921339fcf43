import { afterAll, describe, expect, it } from 'vitest';
import { resolveStateMachineDefinition } from '../../infra/resolveDefinition.js';
import { buildLocalDefinition } from '../../workflows/local/definition.js';
import { removeOutdirs, templatesFor, TEST_REGION } from '../infra/testApp.js';

describe('the local runtime runs the deployed definition', () => {
  afterAll(removeOutdirs);

  it('builds exactly the ASL the administrator stack deploys (same states, retries, catches, timeouts, ARNs)', () => {
    // Prepare
    const account = '111111111111';
    // Act
    const deployed = resolveStateMachineDefinition(templatesFor({ adminAccount: account }).admin.toJSON(), undefined, { region: TEST_REGION, account });
    const local = buildLocalDefinition({ account, region: TEST_REGION });
    // Assess: everything but the console comment the stack adds
    const { Comment: comment, ...deployedStates } = deployed as typeof deployed & { Comment?: string };
    expect(comment).toMatch(/^Rectify/);
    expect(local).toEqual(deployedStates);
  });
});
