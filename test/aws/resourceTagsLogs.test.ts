import { describe, expect, it } from 'vitest';
import { canonicalResourceId } from '../../tasks/domain/resourceIdentity.js';
import { readResourceTags } from '../../tasks/domain/resourceTags.js';
import { callAws } from '../../workflows/local/awsCall.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { useMoto } from '../support/moto.js';

const ACCOUNT = LOCAL_ADMIN_ACCOUNT;
const SCOPE = { account: ACCOUNT, region: 'us-east-1', partition: 'aws' };

/** CloudWatch Logs log groups (CloudWatch.16): their identity and live tags. */
describe('log group identity and live tags (moto)', () => {
  const aws = useMoto();
  const read = (arn: string) => readResourceTags(aws.clients(), 'AwsLogsLogGroup', { arn, account: ACCOUNT });

  it('makes a log group name or ARN (with or without Config\'s `:*`) one canonical ARN, and refuses another account\'s', () => {
    // Act & Assess
    expect(canonicalResourceId('AwsLogsLogGroup', '/aws/lambda/orders', SCOPE)).toBe(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders`);
    expect(canonicalResourceId('AwsLogsLogGroup', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders`, SCOPE)).toBe(
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders`,
    );
    // One group, one identity: Config's `:*` form is the same group, so the same lock and record (a bare name with it too).
    expect(canonicalResourceId('AwsLogsLogGroup', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:*`, SCOPE)).toBe(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app`);
    expect(canonicalResourceId('AwsLogsLogGroup', 'app:*', SCOPE)).toBe(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app`);
    expect(() => canonicalResourceId('AwsLogsLogGroup', 'arn:aws:logs:us-east-1:999999999999:log-group:app', SCOPE)).toThrow();
  });

  it('reads the group\'s own tags, and throws for a group that does not exist', async () => {
    // Prepare
    await callAws({ service: 'CloudWatchLogs', command: 'CreateLogGroup', params: { logGroupName: '/app/tagged', tags: { 'rectify:exempt': '*' } } });
    await callAws({ service: 'CloudWatchLogs', command: 'CreateLogGroup', params: { logGroupName: '/app/tagged-too', tags: { environment: 'prod' } } });
    // Act
    const tagged = await read(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/tagged`);
    const withSuffix = await read(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/tagged:*`);
    const missing = read(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/gone`);
    // Assess
    expect(tagged).toEqual({ 'rectify:exempt': '*' });
    expect(withSuffix).toEqual({ 'rectify:exempt': '*' });
    await expect(missing).rejects.toThrow(/was not found/);
  });
});

/** CloudWatch alarms (CloudWatch.17): their identity and live tags. */
describe('alarm identity and live tags (moto)', () => {
  const aws = useMoto();
  const read = (arn: string) => readResourceTags(aws.clients(), 'AwsCloudWatchAlarm', { arn, account: ACCOUNT });
  const alarm = (AlarmName: string, Tags: { Key: string; Value: string }[]) =>
    callAws({
      service: 'CloudWatch',
      command: 'PutMetricAlarm',
      params: { AlarmName, MetricName: 'Errors', Namespace: 'App', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', Tags },
    });

  it('makes an alarm name (colons included) one canonical ARN', () => {
    // Act & Assess
    expect(canonicalResourceId('AwsCloudWatchAlarm', 'cpu:high', SCOPE)).toBe(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:cpu:high`);
    expect(() => canonicalResourceId('AwsCloudWatchAlarm', 'arn:aws:cloudwatch:us-east-1:999999999999:alarm:x', SCOPE)).toThrow();
  });

  it('reads the alarm\'s own tags, and throws for an alarm that does not exist', async () => {
    // Prepare
    await alarm('tagged', [{ Key: 'rectify:exempt', Value: '*' }]);
    await alarm('tagged-too', [{ Key: 'environment', Value: 'prod' }]);
    // Act
    const tagged = await read(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:tagged`);
    const missing = read(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:gone`);
    // Assess
    expect(tagged).toEqual({ 'rectify:exempt': '*' });
    await expect(missing).rejects.toThrow(/was not found/);
  });
});
