import { CreateDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import {
  GetParameterCommand,
  PutParameterCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SSMClientResolvedConfig,
  type StartAutomationExecutionCommandInput,
} from '@aws-sdk/client-ssm';
import type { AwsStub } from 'aws-sdk-client-mock';

export const instanceArn = (id: string) => `arn:aws:rds:us-east-1:123456789012:db:${id}`;

/** A DB instance in moto; in `cluster` when given (Aurora), standalone PostgreSQL otherwise. */
export async function createInstance(rds: RDSClient, options: { deletionProtection?: boolean; cluster?: string } = {}): Promise<string> {
  const id = `orders-${crypto.randomUUID().slice(0, 8)}`;
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t3.micro',
      ...(options.cluster
        ? { Engine: 'aurora-postgresql', DBClusterIdentifier: options.cluster }
        : { Engine: 'postgres', AllocatedStorage: 20, MasterUsername: 'orders_admin', MasterUserPassword: 'not-a-real-password' }),
      PubliclyAccessible: false,
      DeletionProtection: options.deletionProtection ?? false,
      Tags: [{ Key: 'team', Value: 'payments' }],
    }),
  );
  return id;
}

/** The instance without the restore clock that moves on every read. */
export async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance> {
  const { LatestRestorableTime: _ticking, ...described } = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances![0]!;
  return described;
}

/**
 * What the AWS runbook does, against moto: find the instance by its resource id and enable
 * deletion protection with the ApplyImmediately it was given. moto 5.2.1 gives every instance the
 * same DbiResourceId, so each test starts from an empty moto and has one match.
 */
export function runbookEffect(rds: () => RDSClient) {
  return async (input: StartAutomationExecutionCommandInput) => {
    const [resourceId] = input.Parameters!.DbInstanceResourceId!;
    const { DBInstances = [] } = await rds().send(new DescribeDBInstancesCommand({}));
    const matches = DBInstances.filter((candidate) => candidate.DbiResourceId === resourceId);
    if (matches.length !== 1) throw new Error(`runbook stub: ${matches.length} instances have resource id ${resourceId}`);
    const ApplyImmediately = input.Parameters!.ApplyImmediately?.[0] === 'true';
    await rds().send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: matches[0]!.DBInstanceIdentifier, DeletionProtection: true, ApplyImmediately }));
    return { AutomationExecutionId: 'exec-1' };
  };
}

/**
 * Parameter Store in memory. Stubbing the SSMClient class stubs every SSM client in the process,
 * the local runtime's too: it writes the policy parameter and LoadPolicy reads it back.
 */
export function emulateParameterStore(ssm: AwsStub<ServiceInputTypes, ServiceOutputTypes, SSMClientResolvedConfig>): void {
  const parameters = new Map<string, string>();
  ssm.on(PutParameterCommand).callsFake((input: { Name: string; Value: string }) => {
    parameters.set(input.Name, input.Value);
    return { Version: 1 };
  });
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const Value = parameters.get(input.Name);
    if (Value === undefined) throw Object.assign(new Error(`parameter ${input.Name} not found`), { name: 'ParameterNotFound' });
    return { Parameter: { Name: input.Name, Value } };
  });
}
