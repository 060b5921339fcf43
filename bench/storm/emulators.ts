import { localAwsEnv } from '../../workflows/local/awsEnv.js';
import { startMoto, type MotoServer } from '../../workflows/local/moto.js';
import { startServiceRouter } from './serviceRouter.js';

/** Where the storm's AWS calls go: environment for the SDK clients, and how to stop what was started. */
export interface StormEmulators {
  /** What `localAwsEnv` sets (credentials, region, `AWS_ENDPOINT_URL`), plus the per-service overrides. */
  readonly env: Readonly<Record<string, string>>;
  /** moto processes serving the storm. */
  readonly servers: number;
  stop(): Promise<void>;
}

/**
 * One moto process serves 100–170 calls per second on one core, and an execution makes about
 * 30. With two, the first gets DynamoDB (five calls in six: Rectify's table) and STS, the second
 * everything else; DynamoDB goes to its server directly, the rest through a small router that
 * also tells the second server which account an assumed-role key belongs to (serviceRouter.ts).
 * S3, SQS, SNS, KMS, EC2, IAM, SSM and Secrets Manager stay together: SNS delivers to SQS
 * inside one moto. Both run with moto's per-request lookups memoised (moto.ts).
 */
export async function startStormEmulators(options: { readonly servers: 1 | 2 }): Promise<StormEmulators> {
  const started: MotoServer[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((moto) => moto.stop()));
  };
  try {
    const main = await startMoto({ memoisedDispatch: true });
    started.push(main);
    if (options.servers === 1) return { env: localAwsEnv(main.endpoint), servers: 1, stop: stopAll };
    const other = await startMoto({ memoisedDispatch: true });
    started.push(other);
    const router = await startServiceRouter({ routes: { sts: main.endpoint, dynamodb: main.endpoint }, fallback: other.endpoint });
    return {
      env: { ...localAwsEnv(router.endpoint), AWS_ENDPOINT_URL_DYNAMODB: main.endpoint },
      servers: 2,
      async stop() {
        await router.stop();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
