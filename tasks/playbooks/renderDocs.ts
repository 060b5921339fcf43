import type { Playbook } from './definePlaybook.js';
import { isScoped, patternsOf, RESOURCE_ARN_PATTERNS } from './resourceScopes.js';

/** An action as the catalog lists it: `(*)` when IAM cannot scope it to a resource. */
const shownAction = (action: string) => (isScoped(action) ? `\`${action}\`` : `\`${action}\` (*)`);

/** What a playbook may create, with the monthly cost order of each; `—` when it only changes what exists. */
const shownCreates = (p: Playbook) => (p.creates?.length ? p.creates.map((r) => `${r.type} (${r.monthlyCost})`).join(', ') : '—');

/** docs/playbooks.md, generated from the registry so it cannot drift from the code. */
export function renderPlaybookDocs(playbooks: readonly Playbook[]): string {
  const sorted = [...playbooks].sort((a, b) => a.id.localeCompare(b.id));
  const controls = sorted.flatMap((p) => p.controls).sort();
  const lines = [
    '# Playbook catalog',
    '',
    '<!-- Generated from the playbook registry by `npm run generate`; a test fails when it is stale. -->',
    '',
    `${sorted.length} playbooks covering ${consolidatedControls(sorted).length} consolidated control ids (${controls.length} ids with the standards' aliases): ${controls.join(', ')}.`,
    '',
    'A playbook that may create billable resources (a trail, bucket, key, log group, alarm) when the account has none to reuse',
    'is cost-bearing: it is declared disruptive, so it waits for a person under the default policy, and its plan lists what it',
    'creates, tagged `rectify:created-by`, with the monthly cost; rollback removes only what carries that tag.',
    '',
    '| Playbook | Controls | Resource type | Impact | May create (monthly cost) | Tested against | IAM actions (member role) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...sorted.map(
      (p) =>
        `| \`${p.id}\` — ${p.title} | ${p.controls.join(', ')} | ${p.resourceType} | ${p.impact} | ${shownCreates(p)} | ${p.notEmulated ? `not emulated: ${p.notEmulated}` : 'moto'} | ${p.permissions.map(shownAction).join(', ')} |`,
    ),
    '',
    ...renderScopes(),
    ...renderParameters(sorted),
    'Each playbook has `snapshot` (read the state it may change), `plan` (the human-readable change),',
    '`apply` (idempotent), `verify` (read back, decide compliance) and `rollback` (restore the snapshot).',
    'See [writing-a-playbook.md](writing-a-playbook.md).',
    '',
  ];
  return lines.join('\n');
}

/**
 * The consolidated Security Hub control ids the playbooks fix (`S3.2`, `CloudWatch.1`), without the
 * standards' legacy aliases (`cis/1.0/…`, `PCI.…`), sorted and each once.
 */
export function consolidatedControls(playbooks: readonly Pick<Playbook, 'controls'>[]): string[] {
  const consolidated = playbooks.flatMap((p) => p.controls).filter((id) => /^[A-Za-z0-9]+\.\d+$/.test(id) && !id.startsWith('PCI.'));
  return [...new Set(consolidated)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Which resources the member roles are granted each action on (tasks/playbooks/resourceScopes.ts). */
function renderScopes(): string[] {
  return [
    '## Resource scope of the member roles',
    '',
    'Each action is granted on the resource types IAM authorizes it on, in the member account and any region (one member role',
    'serves every region the administrator account aggregates). Actions marked (*) have no resource type in the Service',
    'Authorization Reference (EC2 `Describe*`, account-wide settings such as the password policy or the account\'s public',
    'access block): IAM requires `*` for them, so the roles are granted them on `*`.',
    '',
    '| Resource type | ARN pattern in the member account |',
    '| --- | --- |',
    ...(Object.keys(RESOURCE_ARN_PATTERNS) as (keyof typeof RESOURCE_ARN_PATTERNS)[]).map((type) => `| ${type} | ${patternsOf(type).map((pattern) => `\`${pattern}\``).join(', ')} |`),
    '',
  ];
}

/** The control parameters each playbook honours, with Security Hub's defaults (what a finding without them means). */
function renderParameters(playbooks: readonly Playbook[]): string[] {
  const rows = playbooks.flatMap((p) => {
    if (!p.parameters) return [];
    const defaults = p.parameters.schema.parse({}) as Record<string, unknown>;
    return Object.keys(p.parameters.schema.shape).map((name) => {
      const value = defaults[name];
      const shown = value === undefined ? 'none (not checked)' : Array.isArray(value) ? (value.length ? value.join(', ') : 'none') : String(value);
      return `| \`${p.id}\` | ${p.parameters!.control} | \`${name}\` | ${shown} |`;
    });
  });
  return [
    '## Control parameters',
    '',
    "A playbook fixes to the control parameters the finding carries (`Compliance.SecurityControlParameters`); the policy's",
    '`playbookSettings` may only make them stricter, and a finding without them gets Security Hub\'s default.',
    'A parameter a playbook does not list, or a value it cannot parse, stops the execution before any change (`InvalidControlParameters`).',
    '',
    '| Playbook | Control | Parameter | Security Hub default |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}
