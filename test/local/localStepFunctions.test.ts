import { DescribeExecutionCommand, ExecutionAlreadyExists, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { LocalRuntime } from '../../workflows/local/runtime.js';
import { useMoto } from '../support/moto.js';

describe('local Step Functions API (what production code calls, served by the local runtime)', () => {
  const aws = useMoto();
  let runtime: LocalRuntime;
  let sfn: SFNClient;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({ motoEndpoint: aws.endpoint, policy: DEFAULT_POLICY });
    sfn = new SFNClient({ region: 'us-east-1', endpoint: runtime.controlPlaneUrl, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });
  afterAll(async () => runtime.stop());

  it('is idempotent on name + input, and refuses the same name with other input', async () => {
    // Prepare
    const input = JSON.stringify({ finding: { nonsense: true }, source: 'automatic' });
    // Act
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'same-name', input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'same-name', input }));
    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'same-name', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('describes a finished execution with its status, error and cause', async () => {
    // Prepare
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: runtime.stateMachineArn, name: 'invalid-one', input: JSON.stringify({ finding: {} }) }),
    );
    await runtime.stepFunctions.describe(executionArn!).done;
    // Act
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'InvalidFinding', name: 'invalid-one' });
    expect(described.cause).toContain('not valid ASFF');
  });

  it('answers SendTaskSuccess for an unknown token with TaskDoesNotExist', async () => {
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'local-nope', output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});
