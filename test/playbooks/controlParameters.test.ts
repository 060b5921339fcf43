import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorName } from '../../tasks/domain/constants.js';
import type { AwsClients } from '../../tasks/aws/clientFactory.js';
import { createPlaybookContext } from '../../tasks/playbooks/context.js';
import { chooseValue, ParameterValue } from '../../tasks/playbooks/controlParameters.js';
import { definePlaybook, type PlaybookContext } from '../../tasks/playbooks/definePlaybook.js';
import { requestFor } from '../support/request.js';

// Control X.1 takes parameters; X.2, the playbook's other control, takes none.
const Parameters = z.object({
  maxDays: ParameterValue.integer(1, 365).default(90),
  allowedPorts: ParameterValue.integerList(1, 65535, 4).default([443]),
  strict: ParameterValue.boolean().default(true),
  limit: ParameterValue.integer(1, 10).optional(),
});
const Settings = z.object({ maxDays: z.number().int().optional() });

const playbook = definePlaybook<null, { description: string }, z.infer<typeof Settings>, z.infer<typeof Parameters>>({
  id: 'test-parameters',
  title: 'Test',
  controls: ['X.1', 'X.2'],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive',
  permissions: ['s3:GetBucketVersioning'],
  settings: Settings,
  parameters: { control: 'X.1', schema: Parameters },
  snapshot: async () => null,
  plan: () => ({ summary: '', changes: [] }),
  apply: async () => undefined,
  verify: async () => ({ compliant: true, detail: '' }),
  rollback: async () => undefined,
});

const NO_CLIENTS = {} as AwsClients;
function contextFor(controlId: string, controlParameters: Record<string, string[]>, settings?: unknown) {
  const request = requestFor({ resourceType: 'AwsS3Bucket', resourceId: 'arn:aws:s3:::b1', controlId, controlParameters });
  return createPlaybookContext(playbook, request, NO_CLIENTS, settings, controlId);
}

describe('control parameters', () => {
  it('parses the finding\'s string values into typed parameters, with Security Hub\'s default for the others', () => {
    // Act
    const ctx = contextFor('X.1', { maxDays: ['30'], allowedPorts: ['80', '443'], strict: ['false'] });
    // Assess
    expect(ctx.parameters).toEqual({ maxDays: 30, allowedPorts: [80, 443], strict: false });
    expect(ctx.parametersFromFinding).toEqual(['maxDays', 'allowedPorts', 'strict']);
  });

  it('gives every parameter Security Hub\'s default for a control that takes none (another control, or a legacy id)', () => {
    // Act
    const ctx = contextFor('X.2', {});
    // Assess
    expect(ctx.parameters).toEqual({ maxDays: 90, allowedPorts: [443], strict: true });
    expect(ctx.parametersFromFinding).toEqual([]);
  });

  it.each([
    ['an unknown name', 'X.1', { maxAge: ['30'] }, /control parameter "maxAge" is not one playbook test-parameters knows \(maxDays, allowedPorts, strict, limit\)/],
    ['a number out of range', 'X.1', { maxDays: ['0'] }, /control parameter "maxDays" = \["0"\] is not valid/],
    ['two values for an Integer', 'X.1', { maxDays: ['30', '31'] }, /"maxDays" = \["30","31"\] is not valid/],
    ['a Boolean not in lower case', 'X.1', { strict: ['True'] }, /"strict" = \["True"\] is not valid/],
    ['a decimal in an IntegerList', 'X.1', { allowedPorts: ['80.5'] }, /"allowedPorts" = \["80.5"\] is not valid: must be a whole number/],
    ['too many values', 'X.1', { allowedPorts: ['1', '2', '3', '4', '5'] }, /"allowedPorts" = .* is not valid/],
    ['parameters on a control that takes none', 'X.2', { maxDays: ['30'] }, /\(control X\.2\) carries control parameters \("maxDays"\) that playbook test-parameters does not know for X\.2/],
  ])('fails closed on %s, naming the finding and what to do', (_case, controlId, parameters, message) => {
    // Act
    const building = () => contextFor(controlId, parameters);
    // Assess
    expect(building).toThrow(expect.objectContaining({ name: ErrorName.InvalidControlParameters }));
    expect(building).toThrow(message);
    expect(building).toThrow(/^finding arn:aws:securityhub:.*Nothing was changed: /);
  });

  it('treats an empty value as Security Hub\'s default, not as a value the finding set', () => {
    // Act
    const ctx = contextFor('X.1', { allowedPorts: [], limit: [] });
    // Assess
    expect(ctx.parameters).toEqual({ maxDays: 90, allowedPorts: [443], strict: true });
    expect(ctx.parametersFromFinding).toEqual([]);
  });

  it('chooses the policy setting, else the finding\'s parameter, else Security Hub\'s default, and refuses a looser setting', () => {
    // Prepare
    const atMost = (setting: number, control: number) => setting <= control;
    const choose = (context: PlaybookContext<unknown>) => {
      const ctx = context as PlaybookContext<z.infer<typeof Settings>, z.infer<typeof Parameters>>;
      return chooseValue(ctx, 'maxDays', { name: 'maxDays', value: ctx.settings.maxDays }, atMost);
    };
    // Act + Assess
    expect(choose(contextFor('X.1', { maxDays: ['30'] }, { maxDays: 7 }))).toEqual({ value: 7, source: 'policy' });
    expect(choose(contextFor('X.1', { maxDays: ['30'] }))).toEqual({ value: 30, source: 'finding' });
    expect(choose(contextFor('X.1', {}))).toEqual({ value: 90, source: 'default' });
    expect(() => choose(contextFor('X.1', { maxDays: ['30'] }, { maxDays: 60 }))).toThrow(
      expect.objectContaining({
        name: ErrorName.InvalidControlParameters,
        message: expect.stringContaining("setting maxDays (60) is less strict than the control's maxDays (30, from the finding's control parameters)"),
      }),
    );
  });

  it('refuses at load time parameters of a control the playbook does not list, or without a default', () => {
    // Prepare
    const base = { ...playbook, parameters: undefined, settings: undefined };
    // Act + Assess
    expect(() => definePlaybook({ ...base, parameters: { control: 'Y.1', schema: Parameters } })).toThrow(/parameters belong to Y\.1, which is not one of its controls/);
    expect(() => definePlaybook({ ...base, parameters: { control: 'X.1', schema: z.object({ maxDays: ParameterValue.integer(1, 9) }) } })).toThrow(
      /every parameter needs Security Hub's default or \.optional\(\)/,
    );
  });
});
