import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeControl, ControlTowerRule } from '../controlTowerRules.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The runtime the handlers are built for (esbuild target) and tested on. */
export const TASK_RUNTIME = lambda.Runtime.NODEJS_22_X;
const ESBUILD_TARGET = 'node22';

/**
 * esbuild's ESM output has no `require`; bundled CommonJS dependencies (the AWS SDK's) need one.
 * The alias keeps the import from clashing with a bundled `createRequire`.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as rectifyCreateRequire } from 'node:module'; const require = rectifyCreateRequire(import.meta.url);";

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
   * @default 256
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
 * Node 22 on ARM, with active tracing and a KMS-encrypted log group of bounded retention.
 *
 * @example
 * new TaskFunction(this, 'Verify', { handlerName: 'verify', role, logKey: key });
 */
export class TaskFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
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
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}tasks/handlers/${props.handlerName}.ts`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(50),
      role: props.role,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        RECTIFY_HANDLER: props.handlerName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Pin the SDK version the handlers were tested with instead of the runtime's.
        bundleAwsSDK: true,
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
