import { spawnSync } from 'node:child_process';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations, type ILocalBundling } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../bundling/functionBundle.js';
import { acknowledgeControl, ControlTowerRule } from '../controlTowerRules.js';

/** The runtime the handlers are built for (esbuild target `node22`) and tested on. */
export const TASK_RUNTIME = lambda.Runtime.NODEJS_22_X;

/** Memory of every function unless its props say otherwise (the benchmark prices with it). */
export const DEFAULT_MEMORY_MB = 256;

/** Source maps for the stack traces in the logs; the benchmark loads bundles with the same option. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/**
 * Bundles a handler on this machine with infra/bundling/functionBundle.ts, in a process of its
 * own (CDK bundles synchronously; esbuild runs plugins only asynchronously). NodejsFunction cannot
 * split code or take esbuild plugins, which lean bundles need (docs/decisions/014).
 */
class LocalFunctionBundling implements ILocalBundling {
  constructor(private readonly handlerName: string) {}

  tryBundle(outputDir: string): boolean {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'infra/bundling/bundleCommand.ts', `tasks/handlers/${this.handlerName}.ts`, outputDir],
      { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
    );
    // Never fall back to Docker: say why the bundle failed.
    if (run.status !== 0) throw new Error(`bundling the ${this.handlerName} function failed: ${run.stderr || run.error?.message || `exit ${run.status}`}`);
    return true;
  }
}

export interface TaskFunctionProps {
  /** The handler module: `tasks/handlers/<handlerName>.ts`, exporting `handler`. */
  readonly handlerName: string;
  /** Execution role; it is granted writing to the function's own log group. */
  readonly role: iam.IRole;
  /** Encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /**
   * Variables besides `RECTIFY_HANDLER` (always set to `handlerName`).
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /**
   * @default Duration.seconds(50), below the workflow's 60 s task timeout
   */
  readonly timeout?: Duration;
  /**
   * @default DEFAULT_MEMORY_MB (256)
   */
  readonly memorySize?: number;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * @default TASK_RUNTIME (nodejs22.x)
   */
  readonly runtime?: lambda.Runtime;
}

/**
 * One Rectify Lambda function: a handler from `tasks/handlers/` bundled by esbuild as ESM for
 * Node 22 on ARM (infra/bundling/functionBundle.ts: code splitting, the AWS SDK pinned), with
 * active tracing and a KMS-encrypted log group of bounded retention.
 *
 * @example
 * new TaskFunction(this, 'Verify', { handlerName: 'verify', role, logKey: key });
 */
export class TaskFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TaskFunctionProps) {
    super(scope, id);
    const runtime = props.runtime ?? TASK_RUNTIME;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup.grantWrite(props.role);
    this.function = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(REPO_ROOT, {
        // Hashed from the bundle; when a test skips bundling, CDK uses a placeholder instead of hashing the repository.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Required by the API and never pulled: local bundling always answers or throws.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
          local: new LocalFunctionBundling(props.handlerName),
        },
      }),
      handler: 'index.handler',
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(50),
      role: props.role,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        RECTIFY_HANDLER: props.handlerName,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
      },
    });
    acknowledgeControl(
      this.function,
      ControlTowerRule.lambdaInsideVpc,
      'No VPC by design: Rectify\'s functions call only AWS service APIs (Security Hub, Step Functions, DynamoDB, SNS, SSM, ' +
        'Secrets Manager, STS and, through the member roles, the APIs of the resources the playbooks fix) and reach no resource ' +
        'on a private network. IAM, not the network, bounds what they can do; in a VPC they would need a NAT gateway or an ' +
        'interface endpoint per service in every region, with nothing behind them to protect.',
    );
    if (runtime === TASK_RUNTIME) {
      Validations.of(this.function).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to nodejs22.x on purpose: the handlers are bundled with esbuild target node22 and tested on Node 20/22; ' +
          'nodejs24.x is adopted by changing TASK_RUNTIME once the test suite runs on Node 24.',
      });
    }
  }
}
