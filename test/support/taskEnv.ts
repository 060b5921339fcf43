import { afterAll, beforeAll } from 'vitest';
import { TaskEnv } from '../../tasks/taskConfig.js';

/** The environment a deployed task function gets, for handlers called directly with mocked clients. */
export const TASK_ENV: Readonly<Record<string, string>> = {
  [TaskEnv.tableName]: 'rectify',
  [TaskEnv.policyParameter]: '/rectify/policy',
  [TaskEnv.approvalsTopicArn]: 'arn:aws:sns:us-east-1:111111111111:approvals',
  [TaskEnv.escalationsTopicArn]: 'arn:aws:sns:us-east-1:111111111111:escalations',
  [TaskEnv.readRoleName]: 'RectifyReadRole',
  [TaskEnv.changeRoleName]: 'RectifyRemediationRole',
  [TaskEnv.adminAccount]: '111111111111',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};

/** Set {@link TASK_ENV} for the enclosing suite and restore the previous values after it. */
export function useTaskEnv(): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => Object.entries(TASK_ENV).forEach(([k, v]) => ((saved[k] = process.env[k]), (process.env[k] = v))));
  afterAll(() => Object.entries(saved).forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v))));
}
