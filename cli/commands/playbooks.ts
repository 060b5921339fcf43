import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { consolidatedControls, renderPlaybookDocs } from '../../tasks/playbooks/renderDocs.js';
import { table } from '../format.js';

export function playbooksCommand(options: { json?: boolean }): void {
  const playbooks = allPlaybooks();
  const rows = playbooks.map((p) => ({
    id: p.id,
    title: p.title,
    controls: [...p.controls],
    consolidatedControls: consolidatedControls([p]),
    resourceType: p.resourceType,
    impact: p.impact,
    // Every registered playbook has both (definePlaybook requires them); said here so a reader of the JSON need not know that.
    verify: typeof p.verify === 'function',
    rollback: typeof p.rollback === 'function',
    // Cost-bearing: what it may create, and the monthly cost of each (always declared disruptive).
    creates: (p.creates ?? []).map((r) => ({ ...r })),
    emulated: !p.notEmulated,
    ...(p.notEmulated ? { notEmulated: p.notEmulated } : {}),
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table([['ID', 'CONTROLS', 'RESOURCE', 'IMPACT', 'TITLE'], ...rows.map((r) => [r.id, r.controls.join(' '), r.resourceType, r.impact, r.title])])}\n`);
  process.stdout.write(`${rows.length} playbooks, ${consolidatedControls(playbooks).length} consolidated control ids\n`);
}

export const PLAYBOOK_DOCS = path.resolve(import.meta.dirname, '../../docs/playbooks.md');

export async function docsCommand(): Promise<void> {
  writeFileSync(PLAYBOOK_DOCS, renderPlaybookDocs(allPlaybooks()));
  const { CONFIG_DOCS, renderConfigReference } = await import('../docs/configReference.js');
  writeFileSync(CONFIG_DOCS, renderConfigReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), PLAYBOOK_DOCS)} and ${path.relative(process.cwd(), CONFIG_DOCS)}\n`);
}
