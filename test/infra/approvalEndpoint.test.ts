import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_REQUEST_ROLE_NAME, REMEDIATION_TASK_ROLE_NAME } from '../../infra/names.js';
import { TaskEnv } from '../../tasks/taskConfig.js';
import { removeOutdirs, templatesFor, TEST_REGION } from './testApp.js';

interface Resource {
  Type: string;
  Properties: Record<string, any>;
  DependsOn?: string[];
}
type Resources = Record<string, Resource>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

const actionsOf = (s: Statement) => [s.Action].flat();

/** Does an IAM action pattern (`*` and `?` wildcards, case-insensitive) allow this action? */
function allows(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/** Every statement that grants something to a role of the template, with the role it belongs to. */
function roleStatements(resources: Resources): { roleId: string; statement: Statement }[] {
  const fromPolicies = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) =>
      (p.Properties.Roles as { Ref: string }[]).flatMap((role) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ roleId: role.Ref, statement })),
      ),
    );
  const inline = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .flatMap(([roleId, r]) =>
      ((r.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.map((statement) => ({ roleId, statement })),
      ),
    );
  return [...fromPolicies, ...inline].filter(({ statement }) => statement.Effect === 'Allow');
}

/** Resources a resource waits for: DependsOn, Ref and Fn::GetAtt. */
function dependenciesOf(resource: Resource, ids: Set<string>): Set<string> {
  const found = new Set<string>(resource.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && ids.has(inner)) found.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && ids.has(inner[0] as string)) found.add(inner[0] as string);
      else walk(inner);
    }
  };
  walk(resource.Properties);
  return found;
}

/** One dependency cycle of the template (CloudFormation would reject it), or undefined. */
function dependencyCycle(resources: Resources): string[] | undefined {
  const ids = new Set(Object.keys(resources));
  const edges = new Map([...ids].map((id) => [id, dependenciesOf(resources[id]!, ids)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id)!) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('ApprovalEndpoint', () => {
  let resources: Resources;
  let outputs: Record<string, { Value: unknown }>;
  const ofType = (type: string, from: Resources = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
  const only = (type: string, from: Resources = resources) => {
    const found = ofType(type, from);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const keyArn = () => ({ 'Fn::GetAtt': [only('AWS::KMS::Key')[0], 'Arn'] });
  const functionOf = (handler: string, from: Resources = resources) =>
    ofType('AWS::Lambda::Function', from).find(([, r]) => r.Properties.Environment.Variables[TaskEnv.handler] === handler)!;
  const roleOf = (handler: string, from: Resources = resources) =>
    (functionOf(handler, from)[1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  beforeAll(() => {
    const json = templatesFor().admin.toJSON() as { Resources: Resources; Outputs: Record<string, { Value: unknown }> };
    resources = json.Resources;
    outputs = json.Outputs;
  });
  afterAll(removeOutdirs);

  describe('the API', () => {
    it('serves exactly GET and POST on /approvals/{id}, proxied to the approval function', () => {
      // Prepare
      const paths = new Map(ofType('AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties]));
      const pathOf = (resourceId: string): string => {
        const { ParentId, PathPart } = paths.get(resourceId)!;
        return 'Ref' in ParentId ? `${pathOf(ParentId.Ref)}/${PathPart}` : `/${PathPart}`;
      };
      const [approvalFunctionId] = functionOf('approval');

      // Act
      const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId.Ref)}`);

      // Assess
      expect(ofType('AWS::ApiGateway::RestApi')).toHaveLength(1);
      expect(methods.sort()).toEqual(['GET /approvals/{id}', 'POST /approvals/{id}']);
      for (const [, method] of ofType('AWS::ApiGateway::Method')) {
        expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
        expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(`"${approvalFunctionId}","Arn"`);
      }
    });

    it('has no API-level authorizer: the signed link is the authorisation', () => {
      // Assess
      expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([]);
      for (const [, method] of ofType('AWS::ApiGateway::Method')) expect(method.Properties.AuthorizationType).toBe('NONE');
    });

    it('throttles the stage at the defaults of 5 requests per second, bursts of 10', () => {
      // Prepare
      const [, stage] = only('AWS::ApiGateway::Stage');

      // Assess
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }),
      ]);
    });

    it('throttles the stage at the configured rate and burst', () => {
      // Prepare
      const { admin } = templatesFor({ approvalRateLimit: 2, approvalBurstLimit: 3 });

      // Act
      const [stage] = Object.values(admin.findResources('AWS::ApiGateway::Stage')) as Resource[];

      // Assess
      expect(stage!.Properties.MethodSettings).toEqual([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 }),
      ]);
    });

    it('validates request parameters, and each method requires the id', () => {
      // Prepare
      const [validatorId, validator] = only('AWS::ApiGateway::RequestValidator');

      // Assess
      expect(validator.Properties).toMatchObject({ ValidateRequestParameters: true, ValidateRequestBody: true });
      for (const [, method] of ofType('AWS::ApiGateway::Method')) {
        expect(method.Properties).toMatchObject({
          RequestValidatorId: { Ref: validatorId },
          RequestParameters: { 'method.request.path.id': true },
        });
      }
    });

    it('logs access as JSON without query strings or bodies, and errors only, to CMK-encrypted log groups', () => {
      // Prepare
      const [stageId, stage] = only('AWS::ApiGateway::Stage');
      const accessLogGroupId = JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn).match(/"Ref":"(\w+)"/)![1]!;
      const executionLogGroup = ofType('AWS::Logs::LogGroup').find(([, g]) =>
        JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
      );

      // Act
      const format = JSON.parse(stage.Properties.AccessLogSetting.Format as string) as Record<string, string>;

      // Assess
      expect(Object.keys(format)).toEqual(expect.arrayContaining(['requestId', 'ip', 'httpMethod', 'path', 'status', 'errorType']));
      // The link's signature travels in the query string and the form body.
      expect(Object.values(format).join(' ')).not.toMatch(/querystring|\$input|requestOverride|\$context\.request\b/i);
      expect(resources[accessLogGroupId]!.Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
      // No X-Ray on the stage: its trace would record the URL, query string (sig) included.
      expect(stage.Properties).toMatchObject({ TracingEnabled: false, StageName: 'v1' });
      expect(stage.Properties.MethodSettings[0]).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true });
      // API Gateway would otherwise create it unencrypted and keep it forever.
      expect(executionLogGroup).toBeDefined();
      expect(executionLogGroup![1].Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
      expect(resources[stageId]!.DependsOn).toContain(executionLogGroup![0]);
    });

    it('lets API Gateway invoke the approval function through its two methods only, from this account', () => {
      // Prepare
      const [approvalFunctionId] = functionOf('approval');
      const [stageId] = only('AWS::ApiGateway::Stage');

      // Act
      const permissions = ofType('AWS::Lambda::Permission')
        .map(([, p]) => p.Properties)
        .filter((p) => JSON.stringify(p.FunctionName).includes(`"${approvalFunctionId}"`));

      // Assess
      expect(permissions).toHaveLength(2);
      for (const permission of permissions) {
        expect(permission.Principal).toBe('apigateway.amazonaws.com');
        expect(permission.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
        // This API's stage, not the test-invoke stage (`*`).
        expect(JSON.stringify(permission.SourceArn)).toContain(`{"Ref":"${stageId}"}`);
      }
      expect(permissions.map((p) => JSON.stringify(p.SourceArn).match(/\/(\w+)\/approvals\/\*"/)?.[1]).sort()).toEqual(['GET', 'POST']);
    });

    it('builds the approval function like the tasks, with a timeout below API Gateway\'s 29 s', () => {
      // Prepare
      const [, fn] = functionOf('approval');
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;

      // Assess
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.Timeout).toBeLessThan(29);
      expect(resources[logGroupId]!.Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 365 });
    });
  });

  describe('least privilege', () => {
    it('lets only the approval function\'s role send task results, and only to this state machine', () => {
      // Prepare
      const [machineId] = only('AWS::StepFunctions::StateMachine');
      const taskResults = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

      // Act
      const granting = roleStatements(resources).filter(({ statement }) =>
        actionsOf(statement).some((pattern) => taskResults.some((action) => allows(pattern, action))),
      );

      // Assess
      expect(granting).toEqual([
        {
          roleId: roleOf('approval'),
          statement: expect.objectContaining({ Action: ['states:SendTaskFailure', 'states:SendTaskSuccess'], Resource: { Ref: machineId } }),
        },
      ]);
    });

    it('lets only the approval and requestApproval roles read the signing secret', () => {
      // Prepare
      const [secretId] = only('AWS::SecretsManager::Secret');

      // Act
      const granting = roleStatements(resources).filter(({ statement }) =>
        actionsOf(statement).some((pattern) => allows(pattern, 'secretsmanager:GetSecretValue')),
      );

      // Assess
      expect(granting.map((g) => g.roleId).sort()).toEqual([roleOf('approval'), roleOf('requestApproval')].sort());
      for (const { statement } of granting) expect(statement.Resource).toEqual({ Ref: secretId });
      expect(resources[roleOf('requestApproval')]!.Properties.RoleName).toBe(APPROVAL_REQUEST_ROLE_NAME);
      // And the secret itself denies every other principal (resource policy), whatever identity policies say.
      const [, policy] = only('AWS::SecretsManager::ResourcePolicy');
      expect(policy.Properties.SecretId).toEqual({ Ref: secretId });
      const deny = policy.Properties.ResourcePolicy.Statement[0];
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue' });
      const allowedRoles = (deny.Condition.StringNotEquals['aws:PrincipalArn'] as { 'Fn::GetAtt': [string, string] }[]).map((a) => a['Fn::GetAtt'][0]).sort();
      expect(allowedRoles).toEqual([roleOf('approval'), roleOf('requestApproval')].sort());
    });

    it('gives the shared task role no access to any secret', () => {
      // Prepare
      const [sharedRoleId] = ofType('AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === REMEDIATION_TASK_ROLE_NAME)!;

      // Act
      const secretActions = roleStatements(resources)
        .filter(({ roleId }) => roleId === sharedRoleId)
        .flatMap(({ statement }) => actionsOf(statement))
        .filter((action) => allows(action, 'secretsmanager:GetSecretValue') || action.startsWith('secretsmanager:'));

      // Assess
      expect(roleOf('checkExemption')).toBe(sharedRoleId);
      expect(secretActions).toEqual([]);
    });
  });

  describe('link base URL', () => {
    it('links requestApproval to the stage URL, built without a dependency cycle', () => {
      // Prepare
      const [apiId] = only('AWS::ApiGateway::RestApi');
      const stageUrl = { 'Fn::Join': ['', ['https://', { Ref: apiId }, `.execute-api.${TEST_REGION}.`, { Ref: 'AWS::URLSuffix' }, '/v1']] };

      // Act
      const linkBase = (handler: string) => functionOf(handler)[1].Properties.Environment.Variables[TaskEnv.approvalBaseUrl];

      // Assess
      expect(linkBase('requestApproval')).toEqual(stageUrl);
      expect(linkBase('approval')).toEqual(stageUrl);
      expect(outputs.ApprovalBaseUrl!.Value).toEqual(stageUrl);
      expect(dependencyCycle(resources)).toBeUndefined();
    });

    it('links to the configured approvalBaseUrl (a custom domain) instead', () => {
      // Prepare
      const { admin } = templatesFor({ approvalBaseUrl: 'https://approvals.example.com' });
      const json = admin.toJSON() as { Resources: Resources; Outputs: Record<string, { Value: unknown }> };

      // Act
      const linkBase = functionOf('requestApproval', json.Resources)[1].Properties.Environment.Variables[TaskEnv.approvalBaseUrl];

      // Assess
      expect(linkBase).toBe('https://approvals.example.com');
      expect(json.Outputs.ApprovalBaseUrl!.Value).toBe('https://approvals.example.com');
      expect(dependencyCycle(json.Resources)).toBeUndefined();
    });

    it('finds a dependency cycle when there is one', () => {
      // Prepare: the cycle the stage URL token would have closed
      const cyclic: Resources = {
        Fn: { Type: 'AWS::Lambda::Function', Properties: {}, DependsOn: ['Policy'] },
        Policy: { Type: 'AWS::IAM::Policy', Properties: { Resource: { Ref: 'Machine' } } },
        Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Task: { 'Fn::GetAtt': ['Task', 'Arn'] } } },
        Task: { Type: 'AWS::Lambda::Function', Properties: { Url: { Ref: 'Stage' } } },
        Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { Method: { Ref: 'Fn' } } },
      };

      // Act + Assess
      expect(dependencyCycle(cyclic)).toEqual(['Fn', 'Policy', 'Machine', 'Task', 'Stage', 'Fn']);
    });
  });
});
