import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { adminClient } from '../aws/clientFactory.js';
import { endpointFor } from '../aws/endpoints.js';
import { TaskEnv } from '../taskConfig.js';

// One provider per endpoint, so a warm function keeps its cache and a local run can move endpoints.
const providers = new Map<string, SecretsProvider>();

/**
 * The approval-link signing key from Secrets Manager, cached for five minutes by Powertools.
 * Only the request-approval and approval functions may read the secret.
 */
export async function approvalSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const secretId = env[TaskEnv.approvalSecretArn];
  if (!secretId) throw new Error(`${TaskEnv.approvalSecretArn} is not set`);
  const endpoint = endpointFor('Secrets Manager', env) ?? '';
  let provider = providers.get(endpoint);
  if (!provider) {
    provider = new SecretsProvider({ awsSdkV3Client: adminClient(SecretsManagerClient) });
    providers.set(endpoint, provider);
  }
  const value = await provider.get(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 32) throw new Error('approval signing secret is missing or shorter than 32 characters');
  return value;
}
