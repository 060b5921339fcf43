import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { adminClient } from '../../tasks/aws/clientFactory.js';
import { ExemptionEntrySchema, validateNewEntry } from '../../tasks/domain/exemptionRegister.js';
import { DEFAULT_POLICY, parsePolicy } from '../../tasks/domain/policy.js';
import { listExemptions, putExemption, removeExemption } from '../../tasks/store/exemptions.js';
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

export async function exemptionsAddCommand(options: AddOptions): Promise<void> {
  const target = resolveTarget(options);
  const parsed = ExemptionEntrySchema.safeParse({
    ...(options.resource ? { resourceArn: options.resource } : {}),
    ...(options.account ? { account: options.account } : {}),
    ...(options.control ? { controlId: options.control } : {}),
    reason: options.reason,
    requestedBy: options.by,
    expiresOn: options.expires,
  });
  if (!parsed.success) throw new Error(`exemption not added: ${z.prettifyError(parsed.error)}`);
  let maxDays = DEFAULT_POLICY.maxExemptionDays;
  try {
    const value = (await adminClient(SSMClient).send(new GetParameterCommand({ Name: target.parameter }))).Parameter?.Value;
    if (value) maxDays = parsePolicy(value).maxExemptionDays;
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') throw error;
  }
  validateNewEntry(parsed.data, new Date(), maxDays);
  const scope = await putExemption(target.table, parsed.data);
  process.stdout.write(`exemption added: ${scope} until ${parsed.data.expiresOn}\n`);
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

export async function exemptionsRemoveCommand(scope: string, options: TargetOptions): Promise<void> {
  const target = resolveTarget(options);
  if (!(await removeExemption(target.table, scope))) throw new Error(`no exemption with scope ${scope} (see \`rectify exemptions list\`)`);
  process.stdout.write(`exemption removed: ${scope}\n`);
}
