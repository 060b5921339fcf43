import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger for every task; the correlation id is the execution name. */
export const logger = new Logger({ serviceName: 'rectify' });
