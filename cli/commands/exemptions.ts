import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { normaliseControlId } from '../../tasks/domain/controlIds.js';
import { ExemptionEntrySchema, scopeKey, validateNewEntry, type ExemptionEntry } from '../../tasks/domain/exemptionRegister.js';
import { DEFAULT_POLICY, parsePolicy } from '../../tasks/domain/policy.js';
import { canonicalArn } from '../../tasks/domain/resourceIdentity.js';
import { listExemptions, putExemption, removeExemption } from '../../tasks/store/exemptions.js';
import { UsageError } from '../errors.js';
import { table } from '../format.js';
import { resolveTarget, type TargetOptions } from '../target.js';

interface AddOptions extends TargetOptions {
  resource?: string;
  account?: string;
  control?: string;
  reason: string;
  by: string;
  expires: string;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The command-line option that sets each field of a register entry, to name it in an error. */
const OPTION_OF: Readonly<Record<string, string>> = { reason: '--reason:', requestedBy: '--by:', expiresOn: '--expires: must be a date YYYY-MM-DD;', resourceArn: '--resource:', account: '--account:', controlId: '--control:' };

/**
 * The scope an operator asked for, in the identity the workflow looks up
 * (`candidateScopes(request.resource.id, …)`): the canonical ARN, the catalog's spelling of the
 * control. Throws on a scope that could never match a finding.
 */
function scopeOf(options: Pick<AddOptions, 'resource' | 'account' | 'control'>): Pick<ExemptionEntry, 'resourceArn' | 'account' | 'controlId'> {
  if (options.resource !== undefined && options.account !== undefined) {
    throw new Error('pass --resource ARN (one resource, every control) or --account ID (a whole account), not both');
  }
  if (options.control !== undefined && options.account === undefined) {
    throw new Error(`--control needs --account: a control is exempted in one account (--account 222222222222 --control ${options.control.trim()}); a --resource exemption already covers every control`);
  }
  if (options.resource !== undefined) return { resourceArn: canonicalArn(options.resource.trim()) };
  if (options.account === undefined) throw new Error('pass --resource ARN (one resource) or --account ID (an account, or with --control one control in it)');
  const account = options.account.trim();
  if (!ACCOUNT_ID.test(account)) throw new Error(`--account must be a 12-digit AWS account id, not "${options.account}"`);
  return { account, ...(options.control !== undefined ? { controlId: normaliseControlId(options.control) } : {}) };
}

export async function exemptionsAddCommand(options: AddOptions): Promise<void> {
  let scope: ReturnType<typeof scopeOf>;
  try {
    scope = scopeOf(options);
  } catch (error) {
    throw new UsageError(`exemption not added: ${(error as Error).message}`, { cause: error });
  }
  const target = resolveTarget(options);
  const parsed = ExemptionEntrySchema.safeParse({
    ...scope,
    reason: options.reason,
    requestedBy: options.by,
    expiresOn: options.expires,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${OPTION_OF[String(issue.path[0])] ?? String(issue.path[0] ?? 'scope')} ${issue.message}`);
    throw new UsageError(`exemption not added: ${problems.join('; ')}`);
  }
  let maxDays = DEFAULT_POLICY.maxExemptionDays;
  try {
    const value = (await adminClient(SSMClient).send(new GetParameterCommand({ Name: target.parameter }))).Parameter?.Value;
    if (value) maxDays = parsePolicy(value).maxExemptionDays;
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') throw error;
  }
  try {
    validateNewEntry(parsed.data, new Date(), maxDays);
  } catch (error) {
    throw new UsageError(`exemption not added: ${(error as Error).message.replace('expiresOn', '--expires')}; choose a date from tomorrow to ${maxDays} days away`);
  }
  const key = await putExemption(target.table, parsed.data);
  process.stdout.write(`exemption added: ${key} until ${parsed.data.expiresOn}\n`);
}

export async function exemptionsListCommand(options: TargetOptions & { json?: boolean }): Promise<void> {
  const target = resolveTarget(options);
  const entries = await listExemptions(target.table);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  if (entries.length === 0) {
    process.stdout.write('no exemptions in the register\n');
    return;
  }
  const today = new Date().toISOString().slice(0, 10);
  process.stdout.write(
    `${table([['SCOPE', 'EXPIRES', 'BY', 'REASON'], ...entries.map((e) => [e.scope, `${e.expiresOn}${e.expiresOn < today ? ' (expired)' : ''}`, e.requestedBy, e.reason])])}\n`,
  );
}

/** The register key of a scope typed with another spelling of its ARN or control id; undefined when it has none. */
function canonicalScope(scope: string): string | undefined {
  try {
    if (scope.startsWith('resource#')) return scopeKey({ resourceArn: canonicalArn(scope.slice('resource#'.length)) });
    const [kind, account, control, controlId, ...rest] = scope.split('#');
    if (kind !== 'account' || !account || rest.length > 0) return undefined;
    if (control === undefined) return scopeKey({ account });
    return control === 'control' && controlId ? scopeKey({ account, controlId: normaliseControlId(controlId) }) : undefined;
  } catch {
    // Not canonicalisable: the scope as typed is still tried, and the error lists what exists.
    return undefined;
  }
}

export async function exemptionsRemoveCommand(scope: string, options: TargetOptions): Promise<void> {
  const target = resolveTarget(options);
  const typed = scope.trim();
  // As `list` prints it first, so entries stored before scopes were validated stay removable.
  for (const key of new Set([typed, canonicalScope(typed) ?? typed])) {
    if (await removeExemption(target.table, key)) {
      process.stdout.write(`exemption removed: ${key}\n`);
      return;
    }
  }
  const scopes = (await listExemptions(target.table)).map((e) => e.scope);
  throw new UsageError(`no exemption with scope ${typed}; ${scopes.length ? `the register holds: ${scopes.join(', ')}` : 'the register is empty'}`);
}
