/** Environment that points every AWS SDK client of this process at a local emulator. */
export function localAwsEnv(endpoint: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // moto answers unimplemented calls with 500; retrying them only slows the failure down.
    RECTIFY_SDK_MAX_ATTEMPTS: '1',
  };
}

/** moto's default account: the credentials above belong to it. */
export const LOCAL_ADMIN_ACCOUNT = '123456789012';
/** The sandbox's member account; reached through STS AssumeRole like a real one. */
export const LOCAL_MEMBER_ACCOUNT = '222222222222';
