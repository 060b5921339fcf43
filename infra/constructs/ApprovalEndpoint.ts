import { RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TaskEnv } from '../../tasks/taskConfig.js';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { acknowledgeControl, ControlTowerRule } from '../controlTowerRules.js';
import { grantTaskAccess } from '../grantTaskAccess.js';
import { APPROVAL_ACCESS } from '../taskAccess.js';
import { TaskFunction } from './TaskFunction.js';

export interface ApprovalEndpointProps {
  /** Encrypts the log groups; the function gets only the KMS actions its table and secret calls need. */
  readonly key: kms.IKey;
  readonly table: dynamodb.ITableV2;
  /** The approval-link signing key; the function reads it to verify links. */
  readonly signingSecret: secretsmanager.ISecret;
  /** The policy parameter: mode off (the kill switch) cancels waiting approvals. Its name must be in `environment`. */
  readonly policyParameter: ssm.IStringParameter;
  /** The TaskEnv variables every Rectify function reads (tasks/taskConfig.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Base URL approval links use, for an API served under a custom domain.
   * @default - the stage URL
   */
  readonly linkBaseUrl?: string;
  /**
   * Steady-state requests per second across the stage.
   * @default 5
   */
  readonly rateLimit?: number;
  /**
   * Requests accepted at once above the rate; at least the rate.
   * @default 10
   */
  readonly burstLimit?: number;
  /**
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Set API Gateway's CloudWatch Logs role for this account and region (AWS::ApiGateway::Account,
   * retained on delete), without which the stage's logging fails to deploy. Turn it off where
   * that account setting is managed elsewhere.
   * @default true
   */
  readonly createCloudWatchRole?: boolean;
}

/** The one stage; it appears in the stage URL approval links start with. */
export const APPROVAL_STAGE_NAME = 'v1';

const XRAY_REASON =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, ' +
  'so Lambda adds them on "*"; every other statement of this role names its resource.';

const NO_AUTHORIZER_REASON =
  'No API-level authorizer by design: approvers follow an emailed link and have no AWS or Cognito identity. The link is ' +
  'the authorisation: an HMAC-SHA256 signature over the approval id and its expiry (key in Secrets Manager, readable only ' +
  'by this function and requestApproval), verified in constant time before any lookup; it expires, GET only shows the ' +
  'request and changes nothing (mail scanners open links), and a POST decides once, through a conditional update and a ' +
  'CSRF token bound to the approval.';

/**
 * Throttled, traced, with metrics; errors only in the execution log and never request data:
 * query strings and form bodies carry the link's signature, and a log reader must not be able to replay a link.
 */
function stageOptions(rateLimit: number, burstLimit: number, accessLogGroup: logs.ILogGroup): apigateway.StageOptions {
  const field = apigateway.AccessLogField;
  return {
    stageName: APPROVAL_STAGE_NAME,
    throttlingRateLimit: rateLimit,
    throttlingBurstLimit: burstLimit,
    // No X-Ray on the stage: its trace records the request URL, and the link's `sig` is in the query string.
    // The approval function is still traced (its segments carry no URL).
    tracingEnabled: false,
    metricsEnabled: true,
    loggingLevel: apigateway.MethodLoggingLevel.ERROR,
    dataTraceEnabled: false,
    accessLogDestination: new apigateway.LogGroupLogDestination(accessLogGroup),
    // The path, not the query string.
    accessLogFormat: apigateway.AccessLogFormat.custom(
      JSON.stringify({
        requestId: field.contextRequestId(),
        requestTime: field.contextRequestTime(),
        ip: field.contextIdentitySourceIp(),
        userAgent: field.contextIdentityUserAgent(),
        httpMethod: field.contextHttpMethod(),
        path: field.contextPath(),
        status: field.contextStatus(),
        responseLength: field.contextResponseLength(),
        errorType: field.contextErrorResponseType(),
      }),
    ),
  };
}

/**
 * The approval endpoint behind the links in approval emails: a regional REST API with exactly
 * `GET` and `POST` on `/approvals/{id}`, proxied to one function (tasks/handlers/approval.ts).
 * The stage is throttled, traced, and logs access and errors to KMS-encrypted log groups; neither
 * log records query strings or bodies, where the link's signature travels.
 *
 * @example
 * const endpoint = new ApprovalEndpoint(this, 'ApprovalEndpoint', { key, table, signingSecret, environment });
 * // ... RECTIFY_APPROVAL_BASE_URL = endpoint.linkBaseUrl for requestApproval, then the state machine:
 * endpoint.allowTaskResponses(stateMachine);
 */
export class ApprovalEndpoint extends Construct {
  readonly api: apigateway.RestApi;
  readonly function: TaskFunction['function'];
  /** The function's own log group. */
  readonly logGroup: TaskFunction['logGroup'];
  /** The function's role: the only one that may send task results to the state machine. */
  readonly role: iam.Role;
  /**
   * Where approval links start (`<linkBaseUrl>/approvals/{id}?exp=…&sig=…`). Built from the API id,
   * not the stage, so requestApproval's environment does not depend on the deployment, which
   * depends on this function, whose role names the state machine, which invokes requestApproval.
   */
  readonly linkBaseUrl: string;
  readonly accessLogGroup: logs.LogGroup;
  readonly executionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApprovalEndpointProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 5;
    const burstLimit = props.burstLimit ?? 10;
    if (!(rateLimit > 0)) throw new Error(`ApprovalEndpoint: rateLimit ${rateLimit} must be above 0`);
    if (!Number.isInteger(burstLimit) || burstLimit < Math.max(1, rateLimit)) {
      throw new Error(`ApprovalEndpoint: burstLimit ${burstLimit} must be a whole number of at least rateLimit (${rateLimit})`);
    }
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const stack = Stack.of(this);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention, encryptionKey: props.key, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'rectify-approvals',
      description: 'Rectify: approval links (GET shows a request, POST decides it)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: props.createCloudWatchRole ?? true,
      deployOptions: stageOptions(rateLimit, burstLimit, this.accessLogGroup),
    });
    // The stack outputs the link base under a stable name instead.
    this.api.node.tryRemoveChild('Endpoint');
    this.linkBaseUrl =
      props.linkBaseUrl ?? `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${APPROVAL_STAGE_NAME}`;

    // API Gateway would create the execution log group itself, unencrypted and kept forever.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${APPROVAL_STAGE_NAME}`,
      retention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogGroup);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rectify approval endpoint: verify approval links, decide approvals once, send the result to the workflow',
    });
    Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: XRAY_REASON });
    grantTaskAccess(this.role, APPROVAL_ACCESS, { key: props.key, table: props.table, signingSecret: props.signingSecret, policyParameter: props.policyParameter });
    const handler = new TaskFunction(this, 'Handler', {
      handlerName: 'approval',
      role: this.role,
      logKey: props.key,
      timeout: APPROVAL_ACCESS.timeout,
      logRetention: retention,
      environment: {
        ...props.environment,
        [TaskEnv.approvalBaseUrl]: this.linkBaseUrl,
        [TaskEnv.approvalSecretArn]: props.signingSecret.secretArn,
      },
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;

    this.addMethods();
    this.acknowledgeStageFindings();
  }

  /**
   * Let the function send an approval's result (states:SendTaskSuccess, states:SendTaskFailure)
   * to executions of this state machine, and nothing else; no heartbeats.
   */
  allowTaskResponses(stateMachine: sfn.IStateMachine): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskFailure', 'states:SendTaskSuccess'],
        resources: [stateMachine.stateMachineArn],
      }),
    );
  }

  private addMethods(): void {
    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'rectify-approval-parameters',
      validateRequestParameters: true,
      // No model: the form body (decision, name, comment, csrf) is parsed and checked by the handler.
      validateRequestBody: true,
    });
    const integration = new apigateway.LambdaIntegration(this.function, { allowTestInvoke: false });
    const approval = this.api.root.addResource('approvals').addResource('{id}');
    for (const httpMethod of ['GET', 'POST']) {
      const method = approval.addMethod(httpMethod, integration, {
        authorizationType: apigateway.AuthorizationType.NONE,
        requestValidator: validator,
        requestParameters: { 'method.request.path.id': true },
      });
      Validations.of(method).acknowledge(
        { id: 'AwsSolutions-APIG4', reason: NO_AUTHORIZER_REASON },
        { id: 'AwsSolutions-COG4', reason: NO_AUTHORIZER_REASON },
      );
      this.limitInvokeToThisAccount(method);
    }
  }

  /**
   * The integration's invoke permission names the method's ARN (SourceArn); it also names this
   * account (SourceAccount), as Control Tower CT.LAMBDA.PR.2 asks of a service principal.
   */
  private limitInvokeToThisAccount(method: apigateway.Method): void {
    const { account } = Stack.of(this);
    for (const permission of method.node.findAll().filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)) {
      permission.sourceAccount = account;
      if (Token.isUnresolved(account)) {
        acknowledgeControl(
          permission,
          ControlTowerRule.lambdaPublicAccess,
          'Not public: only API Gateway may invoke, for this API\'s stage, method and path (SourceArn) in this account ' +
            '(SourceAccount). The rule reads neither: in an account-agnostic stack SourceAccount is a Ref to AWS::AccountId ' +
            'and SourceArn a Fn::Join over the API id. With rectify.adminAccount set, SourceAccount is a literal and the rule passes.',
        );
      }
    }
  }

  private acknowledgeStageFindings(): void {
    acknowledgeControl(
      this.api.deploymentStage,
      ControlTowerRule.apiGatewayXray,
      'No X-Ray on the stage by design: a stage trace records the request URL, and an approval link carries its HMAC ' +
        'signature in the query string, so a trace reader could replay the link. The approval function behind the stage is ' +
        'traced (its segments carry no URL); the stage has access and error logs without query strings or bodies.',
    );
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL by default: the stage is throttled (rectify.approvalRateLimit and approvalBurstLimit), it has two ' +
        'routes, and the handler answers 403 to any request without a valid, unexpired HMAC signature before it reads the ' +
        'table. Operators who require a WAF associate their web ACL with this stage or with the custom domain in front of it.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'API Gateway\'s account-level logging role, assumed only by apigateway.amazonaws.com: the AWS-managed policy is the ' +
          'one AWS documents for it, and API Gateway names the log groups it writes to itself.',
      });
    }
  }
}
