import type { Playbook } from './definePlaybook.js';

/** docs/playbooks.md, generated from the registry so it cannot drift from the code. */
export function renderPlaybookDocs(playbooks: readonly Playbook[]): string {
  const sorted = [...playbooks].sort((a, b) => a.id.localeCompare(b.id));
  const controls = sorted.flatMap((p) => p.controls).sort();
  const lines = [
    '# Playbook catalog',
    '',
    '<!-- Generated from the playbook registry by `npm run generate`; a test fails when it is stale. -->',
    '',
    `${sorted.length} playbooks covering ${controls.length} control ids: ${controls.join(', ')}.`,
    '',
    '| Playbook | Controls | Resource type | Impact | IAM actions (member role) |',
    '| --- | --- | --- | --- | --- |',
    ...sorted.map((p) => `| \`${p.id}\` — ${p.title} | ${p.controls.join(', ')} | ${p.resourceType} | ${p.impact} | ${p.permissions.map((a) => `\`${a}\``).join(', ')} |`),
    '',
    ...renderParameters(sorted),
    'Each playbook has `snapshot` (read the state it may change), `plan` (the human-readable change),',
    '`apply` (idempotent), `verify` (read back, decide compliance) and `rollback` (restore the snapshot).',
    'See [writing-a-playbook.md](writing-a-playbook.md).',
    '',
  ];
  return lines.join('\n');
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
