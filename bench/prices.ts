/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier. Written down by hand
 * from the AWS pricing pages (Step Functions, Lambda, DynamoDB, SNS, CloudWatch, API Gateway);
 * this machine has no internet, so they were not re-checked at run time. Check them before
 * relying on the totals.
 */
export const PRICES = {
  takenOn: '2026-11-29',
  region: 'us-east-1',
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  stepFunctionsTransition: 0.025 / 1_000,
  /** Lambda on arm64 (Graviton), per GB-second of billed duration. */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda, per request ($0.20 per 1M). */
  lambdaRequest: 0.2 / 1_000_000,
  /** DynamoDB on-demand, per write request unit ($0.625 per 1M). */
  dynamoDbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand, per read request unit ($0.125 per 1M). */
  dynamoDbReadUnit: 0.125 / 1_000_000,
  /** SNS standard topic, per publish ($0.50 per 1M; email deliveries are extra, $2.00 per 100,000). */
  snsPublish: 0.5 / 1_000_000,
  /** CloudWatch Logs ingestion (vended logs from Step Functions), per GB. */
  logsIngestedGb: 0.5,
  /** API Gateway REST API, per request ($3.50 per 1M), for the approval page and decision. */
  apiGatewayRestRequest: 3.5 / 1_000_000,
} as const;
