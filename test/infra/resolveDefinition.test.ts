import { describe, expect, it } from 'vitest';
import { resolveStateMachineDefinition, type CfnTemplate } from '../../infra/resolveDefinition.js';

/** The shape CDK gives a definition: a Fn::Join of literals, Ref and Fn::GetAtt. */
const template: CfnTemplate = {
  Resources: {
    VerifyFn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { RECTIFY_HANDLER: 'verify' } } } },
    OtherFn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Topic: { Type: 'AWS::SNS::Topic' },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"Verify","States":{"Verify":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['VerifyFn', 'Arn'] },
              '","Next":"Wait"},"Wait":{"Type":"Task","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"',
              { 'Fn::GetAtt': ['OtherFn', 'Arn'] },
              '","Payload":{"topic":"',
              { Ref: 'Topic' },
              '"}},"TimeoutSeconds":60,"End":true}}}',
            ],
          ],
        },
      },
    },
  },
};

describe('resolveStateMachineDefinition', () => {
  it('flattens the tokens into plain ASL with rectify-<handler> function ARNs', () => {
    // Act
    const asl = resolveStateMachineDefinition(template, undefined, { region: 'eu-west-1', account: '111111111111' });

    // Assess
    expect(asl.States.Verify).toMatchObject({ Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:rectify-verify' });
    expect(asl.States.Wait).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'arn:aws:lambda:eu-west-1:111111111111:function:OtherFn',
        Payload: { topic: 'arn:aws:sns:eu-west-1:111111111111:Topic' },
      },
    });
  });

  it('defaults to us-east-1 and account 123456789012', () => {
    // Act
    const asl = resolveStateMachineDefinition(template, 'Machine');

    // Assess
    expect(asl.States.Verify?.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:rectify-verify');
  });

  it('names what it cannot resolve', () => {
    // Prepare
    const broken: CfnTemplate = {
      Resources: {
        Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: { 'Fn::ImportValue': 'x' } } },
      },
    };

    // Act + Assess
    expect(() => resolveStateMachineDefinition(broken)).toThrow(/Fn::ImportValue/);
    expect(() => resolveStateMachineDefinition(template, 'Nope')).toThrow(/state machines: Machine/);
  });
});
