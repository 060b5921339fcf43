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
    'Each playbook has `snapshot` (read the state it may change), `plan` (the human-readable change),',
    '`apply` (idempotent), `verify` (read back, decide compliance) and `rollback` (restore the snapshot).',
    'See [writing-a-playbook.md](writing-a-playbook.md).',
    '',
  ];
  return lines.join('\n');
}
