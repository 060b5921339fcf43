import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { adminClient } from '../aws/clientFactory.js';
import { endpointFor } from '../aws/endpoints.js';

// One client per endpoint: reused across warm Lambda invocations, rebuilt when a local run points elsewhere.
const documentClients = new Map<string, DynamoDBDocumentClient>();

/** The DynamoDB document client for Rectify's table. */
export function ddb(): DynamoDBDocumentClient {
  const key = endpointFor('DynamoDB') ?? '';
  let client = documentClients.get(key);
  if (!client) {
    client = DynamoDBDocumentClient.from(adminClient(DynamoDBClient), { marshallOptions: { removeUndefinedValues: true } });
    documentClients.set(key, client);
  }
  return client;
}
