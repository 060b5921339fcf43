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
    const template = templatesFor({ adminAccount: account }).admin.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
    const deployed = resolveStateMachineDefinition(template, undefined, { region: TEST_REGION, account });
    const local = buildLocalDefinition({ account, region: TEST_REGION });
    // Assess: everything but the console comment the stack adds
    const { Comment: comment, ...deployedStates } = deployed as typeof deployed & { Comment?: string };
    expect(comment).toMatch(/^Rectify/);
    expect(local).toEqual(deployedStates);
    // The one substitution both leave in the ASL: the stack fills it with its escalations topic (the local runtime with moto's).
    const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    const topicId = (machine.Properties!.DefinitionSubstitutions as { EscalationsTopicArn: { Ref: string } }).EscalationsTopicArn.Ref;
    expect(template.Resources[topicId]).toMatchObject({ Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'Rectify escalations' } });
    expect(JSON.stringify(local).match(/\$\{\w+\}/g)).toEqual(['${EscalationsTopicArn}', '${EscalationsTopicArn}']);
  });
});
