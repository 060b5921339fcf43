import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A registered playbook's source: its id, its module (`kms/enableKeyRotation`) and its text. */
export interface PlaybookSource {
  readonly playbookId: string;
  readonly module: string;
  readonly text: string;
}

/** Every playbook of the generated catalog, read from its source file (the registry's own list). */
export function playbookSources(): PlaybookSource[] {
  const catalog = readFileSync(path.join(REPO_ROOT, 'tasks/playbooks/catalog.generated.ts'), 'utf8');
  return [...catalog.matchAll(/^import \{ \w+ \} from '\.\/([\w/]+)\.js';$/gm)].map(([, module]) => {
    const text = readFileSync(path.join(REPO_ROOT, `tasks/playbooks/${module}.ts`), 'utf8');
    const playbookId = /definePlaybook[^(]*\(\{\s*id: '([^']+)'/.exec(text)?.[1];
    if (!playbookId) throw new Error(`tasks/playbooks/${module}.ts: cannot read the playbook id`);
    return { playbookId, module: module!, text };
  });
}
