import { LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import type { ReadTags } from './common.js';

/** Tags of a Lambda function (`lambda:ListTags`). */
export const readFunctionTags: ReadTags = async (aws, { arn }) => ({ ...(await aws.client(LambdaClient).send(new ListTagsCommand({ Resource: arn }))).Tags });
