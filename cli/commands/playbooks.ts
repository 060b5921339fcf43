import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { table } from '../format.js';

export function playbooksCommand(options: { json?: boolean }): void {
  const rows = allPlaybooks().map((p) => ({ id: p.id, title: p.title, controls: [...p.controls], resourceType: p.resourceType, impact: p.impact }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${table([['ID', 'CONTROLS', 'RESOURCE', 'IMPACT', 'TITLE'], ...rows.map((r) => [r.id, r.controls.join(' '), r.resourceType, r.impact, r.title])])}\n`);
}
