import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { renderPlaybookDocs } from '../../tasks/playbooks/renderDocs.js';
import { table } from '../format.js';

export function playbooksCommand(options: { json?: boolean }): void {
  const rows = allPlaybooks().map((p) => ({ id: p.id, title: p.title, controls: [...p.controls], resourceType: p.resourceType, impact: p.impact }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table([['ID', 'CONTROLS', 'RESOURCE', 'IMPACT', 'TITLE'], ...rows.map((r) => [r.id, r.controls.join(' '), r.resourceType, r.impact, r.title])])}\n`);
}

export const PLAYBOOK_DOCS = path.resolve(import.meta.dirname, '../../docs/playbooks.md');

export async function docsCommand(): Promise<void> {
  writeFileSync(PLAYBOOK_DOCS, renderPlaybookDocs(allPlaybooks()));
  const { CONFIG_DOCS, renderConfigReference } = await import('../docs/configReference.js');
  writeFileSync(CONFIG_DOCS, renderConfigReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), PLAYBOOK_DOCS)} and ${path.relative(process.cwd(), CONFIG_DOCS)}\n`);
}
