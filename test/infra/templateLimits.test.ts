import { afterAll, describe, expect, it } from 'vitest';
import { catalogActions, withCatalogGrown } from './catalogGrowth.js';
import { exceeded, Limit, policyChars, templateUsage, type TemplateJson, type TemplateUsage } from './templateLimits.js';
import { APP_CONFIGURATIONS, removeOutdirs, templatesFor } from './testApp.js';

/** The catalog may triple before a limit is in sight. */
const GROWTH = 3;

/**
 * How each template reaches CloudFormation: the admin stack through `cdk deploy`, which uploads it
 * to the bootstrap bucket (1 MB); the member stack from S3 too, as docs/deploying.md creates the
 * StackSet with `--template-url` (the catalog v2 member template is over the 51,200 bytes of
 * `--template-body`).
 */
const INLINE_BODY = { admin: false, member: false } as const;

function describeUsage(name: string, today: TemplateUsage, grown: TemplateUsage): string {
  const pair = (a: number, b: number) => (a === b ? `${a}` : `${a} → ${b}`);
  const roles = today.roles.map((role) => {
    const at = grown.roles.find((r) => r.role === role.role) ?? role;
    const largest = role.largestManagedChars > 0 ? ` (largest ${role.largestManagedChars} chars)` : '';
    const managed = role.managedPolicies > 0 ? `, ${role.managedPolicies} managed${largest}` : '';
    return `  ${role.role}: inline ${pair(role.inlineChars, at.inlineChars)} chars, trust ${role.trustChars}${managed}`;
  });
  return [
    `${name}: body ${pair(today.bytes, grown.bytes)} bytes, resources ${pair(today.resources, grown.resources)}, ` +
      `outputs ${today.outputs}, parameters ${today.parameters} (today → ${GROWTH}× the catalog)`,
    ...roles,
  ].join('\n');
}

describe(`CloudFormation and IAM limits, with room for ${GROWTH} times today's catalog`, () => {
  afterAll(removeOutdirs);

  for (const [name, rectify] of Object.entries(APP_CONFIGURATIONS)) {
    it(`keeps both templates and every role within the limits at ${GROWTH}× the catalog with ${name}`, () => {
      // Prepare
      const templates = templatesFor(rectify);
      const catalog = catalogActions();

      // Act
      const measured = (['admin', 'member'] as const).map((stack) => {
        const template = templates[stack].toJSON() as TemplateJson;
        const grown = withCatalogGrown(template, catalog, GROWTH);
        return { stack, grown, today: templateUsage(template), atGrowth: templateUsage(grown.template) };
      });

      // Assess
      console.info(measured.map((m) => describeUsage(m.stack, m.today, m.atGrowth)).join('\n'));
      // The projection is not vacuous: the member roles' statements are the catalog's.
      expect(measured.find((m) => m.stack === 'member')!.grown.grownStatements).toBeGreaterThanOrEqual(2);
      for (const { stack, today, atGrowth } of measured) {
        expect(exceeded(today, { inlineBody: INLINE_BODY[stack] }), `${stack} today`).toEqual([]);
        expect(exceeded(atGrowth, { inlineBody: INLINE_BODY[stack] }), `${stack} at ${GROWTH}× the catalog`).toEqual([]);
      }
    });
  }
});

describe('measuring a template as AWS counts it', () => {
  const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] };
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: arn }] };
  const template = (statements: unknown[] = policy.Statement): TemplateJson => ({
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket' },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          Policies: [{ PolicyName: 'P', PolicyDocument: { ...policy, Statement: statements } }],
        },
      },
    },
  });

  it('counts a policy without whitespace, each token at its longest', () => {
    // Prepare
    const resolved = JSON.stringify({ ...policy, Statement: [{ ...policy.Statement[0], Resource: `arn:aws-us-gov:s3:::${'x'.repeat(256)}/*` }] });

    // Act + Assess
    expect(policyChars(template(), policy)).toBe(resolved.length);
    expect(templateUsage(template()).roles[0]!.inlineChars).toBe('P'.length + resolved.length);
  });

  it('grows only statements of catalog actions, and their resources unless "*"', () => {
    // Prepare
    const star = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const own = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arn };

    // Act
    const grown = withCatalogGrown(template([policy.Statement[0], star, own]), new Set(['s3:GetObject', 's3:PutObject']), 3);

    // Assess
    const statements = (grown.template.Resources.Role!.Properties!.Policies as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } }[])[0]!
      .PolicyDocument.Statement;
    expect(statements.map((st) => [st.Action].flat().length)).toEqual([6, 3, 1]);
    expect(statements.map((st) => [st.Resource].flat().length)).toEqual([3, 1, 1]);
    expect(new Set([statements[0]!.Action].flat()).size).toBe(6);
    // The role SSM assumes is copied for the new runbooks.
    expect(grown.copiedRoles).toBe(2);
    expect(Object.keys(grown.template.Resources)).toHaveLength(4);
  });

  it('names each quota a template exceeds', () => {
    // Prepare
    const usage = templateUsage(template());
    const over = { ...usage, bytes: Limit.templateBodyInline + 1, roles: [{ ...usage.roles[0]!, inlineChars: Limit.roleInlinePolicies + 1 }] };

    // Act + Assess
    expect(exceeded(over, { inlineBody: false })).toEqual([`Role inline policies (chars): ${Limit.roleInlinePolicies + 1} > ${Limit.roleInlinePolicies}`]);
    expect(exceeded(over, { inlineBody: true })).toHaveLength(2);
  });
});
