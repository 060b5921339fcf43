import * as z from 'zod';
import { InvalidControlParametersError } from '../domain/errors.js';
import { quoteId, type RemediationRequest } from '../domain/finding.js';
import type { ControlParameters, PlaybookContext } from './definePlaybook.js';

/**
 * Schemas for Security Hub's parameter types as a finding carries them: every value is a list of
 * strings (`{"Name":"authorizedTcpPorts","Value":["80","443"]}`). Anything else fails closed.
 */
export const ParameterValue = {
  /** An `IntegerList`, e.g. EC2.18's `authorizedTcpPorts`: `["80","443"]` → `[80, 443]`. */
  integerList: (min: number, max: number, maxItems: number) => z.array(integerText(min, max)).max(maxItems),
  /** An `Integer`: exactly one value, `["14"]` → `14`. */
  integer: (min: number, max: number) => z.tuple([integerText(min, max)]).transform(([value]) => value),
  /** A `Boolean`: `["true"]` or `["false"]`, lower case as AWS Config reads it. */
  boolean: () => z.tuple([z.enum(['true', 'false'])]).transform(([value]) => value === 'true'),
};

function integerText(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** Where a value a playbook enforces came from, in the order it takes precedence. */
export const ValueSource = {
  POLICY: 'policy',
  FINDING: 'finding',
  DEFAULT: 'default',
} as const;
export type ValueSource = (typeof ValueSource)[keyof typeof ValueSource];

/** How a plan names a value's source: "authorised ports 80, 443, 8443 (from the finding's control parameters)". */
export const SOURCE_WORDS: Record<ValueSource, string> = {
  [ValueSource.POLICY]: "from the policy's playbook settings",
  [ValueSource.FINDING]: "from the finding's control parameters",
  [ValueSource.DEFAULT]: "Security Hub's default",
};

/** A value to enforce and where it came from. */
export interface ChosenValue<T> {
  readonly value: T;
  readonly source: ValueSource;
}

/**
 * The value a playbook enforces for one control parameter, by the same precedence everywhere:
 * 1. the playbook setting from the policy (`playbookSettings[playbookId]`), when set;
 * 2. else the finding's `Compliance.SecurityControlParameters` value;
 * 3. else Security Hub's default (the parameter schema's default; `undefined`: the control checks nothing).
 *
 * A setting may only be stricter than the control: one that `atLeastAsStrict` says is looser than
 * the control's value (2 or 3) would leave a resource Security Hub still fails, so it throws.
 *
 * @example
 * // EC2.18: a setting may authorise fewer ports than the control, never more.
 * const tcp = chooseValue(ctx, 'authorizedTcpPorts', { name: 'authorizedTcpPorts', value: ctx.settings.authorizedTcpPorts },
 *   (setting, control) => setting.every((port) => control.includes(port)));
 * // → { value: [80, 443, 8443], source: 'finding' }
 * @throws {InvalidControlParametersError} the setting is less strict than the control's value
 */
export function chooseValue<P, K extends keyof P & string>(
  ctx: PlaybookContext<unknown, P>,
  name: K,
  setting: { readonly name: string; readonly value: NonNullable<P[K]> | undefined },
  atLeastAsStrict: (setting: NonNullable<P[K]>, control: NonNullable<P[K]>) => boolean,
): ChosenValue<P[K]> {
  const control = ctx.parameters[name];
  const controlSource = ctx.parametersFromFinding.includes(name) ? ValueSource.FINDING : ValueSource.DEFAULT;
  if (setting.value === undefined) return { value: control, source: controlSource };
  if (control !== undefined && control !== null && !atLeastAsStrict(setting.value, control)) {
    throw new InvalidControlParametersError(
      `finding ${quoteId(ctx.request.findingId)} (control ${ctx.controlId}): the policy's playbook setting ${setting.name} ` +
        `(${show(setting.value)}) is less strict than the control's ${name} (${show(control)}, ${SOURCE_WORDS[controlSource]}), ` +
        `so Security Hub would still fail ${ctx.resource.id}. Nothing was changed: make the setting at least as strict as the control, ` +
        "or remove it from the policy's playbookSettings to use the control's value.",
    );
  }
  return { value: setting.value, source: ValueSource.POLICY };
}

/** The parsed parameters of a context, and which of them the finding set itself. */
export interface ParsedParameters {
  readonly parameters: unknown;
  readonly fromFinding: readonly string[];
}

/**
 * Parse a finding's control parameters with the playbook's declaration. They belong to one
 * consolidated control: for any other control id (another control of the playbook, or a legacy
 * per-standard id, whose findings carry no parameters) every parameter is Security Hub's default.
 * An empty value means the parameter is at its default and that default is "no value", so it
 * counts as not set. Parameters the playbook does not know fail closed, as do invalid values.
 *
 * @throws {InvalidControlParametersError} an unknown name, an invalid value, or parameters on a control the playbook declares none for
 */
export function parseControlParameters(
  declared: ControlParameters<unknown> | undefined,
  request: RemediationRequest,
  controlId: string,
  playbookId: string,
): ParsedParameters {
  const given = Object.fromEntries(Object.entries(request.controlParameters).filter(([, value]) => value.length > 0));
  const names = Object.keys(given);
  const finding = `finding ${quoteId(request.findingId)} (control ${controlId})`;
  const applies = declared?.control === controlId;
  if (!applies && names.length > 0) {
    throw new InvalidControlParametersError(
      `${finding} carries control parameters (${names.map(quoteName).join(', ')}) that playbook ${playbookId} does not know for ${controlId}, ` +
        'so it cannot tell what Security Hub checks. Nothing was changed: remediate this finding by hand, or declare the parameters in the playbook.',
    );
  }
  if (!declared) return { parameters: {}, fromFinding: [] };
  const known = Object.keys(declared.schema.shape);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidControlParametersError(
      `${finding}: control parameter ${unknown.map(quoteName).join(', ')} is not one playbook ${playbookId} knows (${known.join(', ')}), ` +
        'so it cannot tell what Security Hub checks. Nothing was changed: check the control parameters in Security Hub, or remediate this finding by hand.',
    );
  }
  const parsed = declared.schema.safeParse(applies ? given : {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw new InvalidControlParametersError(
      `${finding}: control parameter ${quoteName(name)} = ${quoteId(JSON.stringify(given[name] ?? null))} is not valid: ${issue.message}. ` +
        `Nothing was changed: set a valid ${name} for ${controlId} in Security Hub, or remediate this finding by hand.`,
      { cause: parsed.error },
    );
  }
  return { parameters: parsed.data, fromFinding: applies ? names : [] };
}

const quoteName = (name: string) => quoteId(JSON.stringify(name));

function show(value: unknown): string {
  return Array.isArray(value) ? (value.length ? value.join(', ') : 'none') : String(value);
}
