import { createServer, type Server } from 'node:http';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import type { Policy } from '../../tasks/domain/policy.js';
import { logger } from '../../tasks/observability.js';
import { createApprovalHandler } from '../../tasks/handlers/approval.js';
import { createExecutionStatus } from '../../tasks/handlers/executionStatus.js';
import { defaultPlaybookDeps } from '../../tasks/handlers/playbookDeps.js';
import { getApproval } from '../../tasks/store/table.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { localAwsEnv, LOCAL_ADMIN_ACCOUNT } from './awsEnv.js';
import { serveApproval, submitApprovalForm } from './approvalServer.js';
import { runAs } from './callerContext.js';
import { recordCallsFromEnv } from './callRecorder.js';
import { ESCALATIONS_TOPIC } from '../taskState.js';
import { buildLocalDefinition, substituteDefinition } from './definition.js';
import { answerKnownExecution, tableHadItems } from './executionHistory.js';
import { lookupWithFaults, type Faults, type FaultStepResolver } from './faults.js';
import type { TaskTokenRequest } from './ExecutionEngine.js';
import { LocalStepFunctions } from './localStepFunctions.js';
import { guardMemberRoles } from './memberRoleGuard.js';
import { freePort } from './moto.js';
import { LOCAL_NAMES, provisionLocal, type LocalResources } from './provision.js';
import { SecurityHubAdapter } from './securityHubAdapter.js';
import { saveTrace } from './traceStore.js';
import { createTaskHandlers } from './taskHandlers.js';

export type ApprovalChoice = 'approve' | 'reject' | 'timeout';

export interface PendingApproval {
  readonly executionName: string;
  readonly approvalId: string;
  /** The signed link from the approval email. */
  readonly link: string;
}

export interface Notification {
  readonly topic: 'approvals' | 'escalations';
  readonly subject: string;
  readonly body: string;
}

export interface LocalRuntimeOptions {
  readonly motoEndpoint: string;
  readonly policy: Policy;
  readonly region?: string;
  readonly adminAccount?: string;
  /** Accounts that get the member remediation role in the emulator. */
  readonly memberAccounts?: readonly string[];
  readonly faults?: Faults;
  /** Fills in a fault's AWS call when it is made (a scenario's `${saved}` values). */
  readonly resolveFaultStep?: FaultStepResolver;
  /** Decides each approval the workflow asks for (the person behind the email link). */
  readonly approver?: (pending: PendingApproval) => Promise<ApprovalChoice | 'external'> | ApprovalChoice | 'external';
  readonly approvalTimeoutSeconds?: number;
  /** Base URL of the approval page the emailed link points at. */
  readonly approvalBaseUrl?: string;
  /**
   * Save every execution's trace for `rectify trace` (into the traces of rectifyHome()).
   * @default true
   */
  readonly saveTraces?: boolean;
}

/**
 * The embedded default: Rectify's workflow and task handlers, in this process, against moto.
 * A local HTTP control plane answers the Step Functions API (so the intake and approval code
 * call StartExecution / SendTask* unchanged) and the Security Hub calls moto lacks.
 */
export class LocalRuntime {
  readonly notifications: Notification[] = [];
  private savedEnv: Record<string, string | undefined> = {};

  private constructor(
    readonly options: LocalRuntimeOptions,
    readonly stepFunctions: LocalStepFunctions,
    readonly securityHub: SecurityHubAdapter,
    readonly resources: LocalResources,
    readonly controlPlaneUrl: string,
    private readonly server: Server,
    readonly stateMachineArn: string,
  ) {}

  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    recordCallsFromEnv();
    const region = options.region ?? 'us-east-1';
    const account = options.adminAccount ?? LOCAL_ADMIN_ACCOUNT;
    const port = await freePort();
    const controlPlaneUrl = `http://127.0.0.1:${port}`;
    const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:${LOCAL_NAMES.stateMachine}`;
    const env: Record<string, string> = {
      ...localAwsEnv(options.motoEndpoint, region),
      AWS_ENDPOINT_URL_SFN: controlPlaneUrl,
      AWS_ENDPOINT_URL_SECURITYHUB: controlPlaneUrl,
      [TaskEnv.tableName]: LOCAL_NAMES.table,
      [TaskEnv.policyParameter]: LOCAL_NAMES.policyParameter,
      [TaskEnv.readRoleName]: LOCAL_NAMES.memberRoles.read,
      [TaskEnv.changeRoleName]: LOCAL_NAMES.memberRoles.change,
      [TaskEnv.adminAccount]: account,
      [TaskEnv.sameAccountShortcut]: 'true',
      [TaskEnv.approvalBaseUrl]: options.approvalBaseUrl ?? `${controlPlaneUrl}`,
      [TaskEnv.approvalTimeoutSeconds]: String(options.approvalTimeoutSeconds ?? 86_400),
      [TaskEnv.stateMachineArn]: stateMachineArn,
      POWERTOOLS_LOG_LEVEL: process.env.RECTIFY_LOG_LEVEL ?? 'SILENT',
      // No EMF lines and no X-Ray locally, unless asked for.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      POWERTOOLS_TRACE_ENABLED: process.env.POWERTOOLS_TRACE_ENABLED ?? 'false',
    };
    const saved: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    // The logger was built when the handlers were imported; local runs are quiet unless asked.
    logger.setLogLevel((process.env.RECTIFY_LOG_LEVEL ?? 'SILENT') as Parameters<typeof logger.setLogLevel>[0]);
    const resources = await provisionLocal(account, options.memberAccounts ?? [], options.policy, region);
    for (const [key, value] of [
      [TaskEnv.approvalsTopicArn, resources.approvalsTopicArn],
      [TaskEnv.escalationsTopicArn, resources.escalationsTopicArn],
      [TaskEnv.approvalSecretArn, resources.approvalSecretArn],
    ] as const) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }

    const deps = { ...defaultPlaybookDeps, playbooks: lookupWithFaults(defaultPlaybookDeps.playbooks, options.faults, options.resolveFaultStep) };
    // Each task may assume only its own member role, as IAM would hold it (moto does not).
    const handlers = guardMemberRoles(createTaskHandlers(deps));
    const approval = createApprovalHandler(deps);
    const approvalHandler: typeof approval = (event) => runAs('approval', () => approval(event));
    const executionStatus = createExecutionStatus(deps);
    let runtime: LocalRuntime | undefined;
    const definition = substituteDefinition(
      buildLocalDefinition({ account, region, ...(options.approvalTimeoutSeconds ? { approvalTimeoutSeconds: options.approvalTimeoutSeconds } : {}) }),
      { [ESCALATIONS_TOPIC]: resources.escalationsTopicArn },
    );
    const stepFunctions = new LocalStepFunctions({
      definition,
      stateMachineArn,
      handlers,
      onTaskToken: (request) => void runtime?.onApprovalRequested(request),
      onFinished: (execution) => {
        if (options.saveTraces !== false) saveTrace(definition, execution);
      },
      // The EventBridge rule on Step Functions status changes, delivered to the same handler.
      onStopped: async (execution) => {
        await runAs('executionStatus', () => executionStatus({
          'detail-type': 'Step Functions Execution Status Change',
          source: 'aws.states',
          detail: { executionArn: execution.executionArn, name: execution.name, status: execution.status, error: execution.error ?? null, cause: execution.cause ?? null },
        } as never));
      },
    });
    const securityHub = new SecurityHubAdapter();
    const hadItems = await tableHadItems(resources.tableName);
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          try {
            const history = { tableName: resources.tableName, stateMachineArn, hadItems, inMemory: (name: string) => stepFunctions.byName(name) !== undefined };
            if (await answerKnownExecution(request, response, body, history)) return;
            if (await stepFunctions.handle(request, response, body)) return;
            if (await securityHub.handle(request, response, body)) return;
            if (await serveApproval(approvalHandler, request, response, body)) return;
            response.writeHead(404, { 'content-type': 'text/plain' });
            response.end('not served by the local runtime');
          } catch (error) {
            response.writeHead(500, { 'content-type': 'text/plain' });
            response.end((error as Error).message);
          }
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    runtime = new LocalRuntime(options, stepFunctions, securityHub, resources, controlPlaneUrl, server, stateMachineArn);
    runtime.savedEnv = saved;
    return runtime;
  }

  /**
   * Decide a pending approval. `approve` and `reject` go through the approval endpoint like a
   * person would (open the emailed link, press a button); `timeout` expires the task token now,
   * as the state's timeout would after 24 hours.
   */
  async decide(pending: PendingApproval, choice: ApprovalChoice, decidedBy = 'local approver', comment = ''): Promise<void> {
    if (choice === 'timeout') {
      const approval = await getApproval(this.resources.tableName, pending.approvalId);
      if (!approval) throw new Error(`approval ${pending.approvalId} does not exist`);
      this.stepFunctions.expireTaskToken(approval.taskToken);
      return;
    }
    const outcome = await submitApprovalForm(pending.link, choice, decidedBy, comment);
    const expected = choice === 'approve' ? 'approved' : 'rejected';
    // The kill switch cancelled the request while it waited: the page says so and nothing is decided.
    if (outcome !== expected && outcome !== 'cancelled') throw new Error(`approval ${pending.approvalId}: the endpoint answered "${outcome}", not "${expected}"`);
  }

  /**
   * The signed link of an approval, read from the email the approvals topic delivered (moto
   * delivers SNS → SQS within Publish, so the email is there once the request returned).
   */
  async approvalLink(executionName: string, approvalId: string): Promise<string> {
    const pattern = new RegExp(`https?://\\S+/approvals/${approvalId}\\?\\S+`);
    const emails = (await this.collectNotifications()).filter((n) => n.topic === 'approvals' && n.body.includes(executionName));
    for (const email of emails.reverse()) {
      const link = pattern.exec(email.body)?.[0];
      if (link) return link;
    }
    throw new Error(`no approval email with a link for ${approvalId}`);
  }

  /** The person behind the email: reads the inbox and opens the link (the harness; the endpoint's calls are the approval function's). */
  private onApprovalRequested(request: TaskTokenRequest): Promise<void> {
    return runAs('harness', () => this.answerApproval(request));
  }

  private async answerApproval(request: TaskTokenRequest): Promise<void> {
    const approvalId = (request.handlerResult as { approvalId?: string } | undefined)?.approvalId;
    if (!approvalId) return;
    try {
      const pending = { executionName: request.executionName, approvalId, link: await this.approvalLink(request.executionName, approvalId) };
      const choice = (await this.options.approver?.(pending)) ?? 'external';
      if (choice !== 'external') await this.decide(pending, choice);
    } catch (error) {
      // Never leave an execution waiting on an approver that broke: fail the task so it escalates.
      this.approverErrors.push(error as Error);
      try {
        this.stepFunctions.sendTaskFailure(request.token, 'LocalApproverFailed', (error as Error).message);
      } catch {
        // already decided or expired
      }
    }
  }

  /** Errors of the scripted approver, for the runner to report. */
  readonly approverErrors: Error[] = [];

  /** The drain in progress: one at a time, or a drain could return before another one has kept what it received. */
  private draining: Promise<void> = Promise.resolve();

  /** Drain the notifications queue (what SNS delivered to the approvals and escalations topics). */
  async collectNotifications(): Promise<Notification[]> {
    // The emulated inbox, not a Rectify function, whoever asks.
    const drain = this.draining.then(() => runAs('harness', () => this.drainNotifications()));
    this.draining = drain.catch(() => undefined);
    await drain;
    return this.notifications;
  }

  private async drainNotifications(): Promise<void> {
    const sqs = adminClient(SQSClient);
    for (;;) {
      const batch = await sqs.send(new ReceiveMessageCommand({ QueueUrl: this.resources.notificationsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      const messages = batch.Messages ?? [];
      if (messages.length === 0) break;
      for (const message of messages) {
        const envelope = JSON.parse(message.Body ?? '{}') as { TopicArn?: string; Subject?: string; Message?: string };
        this.notifications.push({
          topic: envelope.TopicArn === this.resources.approvalsTopicArn ? 'approvals' : 'escalations',
          subject: envelope.Subject ?? '',
          body: envelope.Message ?? '',
        });
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.resources.notificationsQueueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
    for (const [key, value] of Object.entries(this.savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
