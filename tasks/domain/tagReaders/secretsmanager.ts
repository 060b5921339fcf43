import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromList, ResourceNotFoundForTagsError, type ReadTags } from './common.js';

/**
 * Tags of a Secrets Manager secret (`secretsmanager:DescribeSecret`; a missing secret answers
 * ResourceNotFoundException). A secret scheduled for deletion is not vouched for: it throws.
 */
export const readSecretTags: ReadTags = async (aws, { arn }) => {
  const secret = await aws.client(SecretsManagerClient).send(new DescribeSecretCommand({ SecretId: arn }));
  if (secret.ARN !== arn || secret.DeletedDate) throw new ResourceNotFoundForTagsError(arn);
  return fromList(secret.Tags);
};
