import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { TASK_ACCESS } from '../../infra/taskAccess.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const HANDLERS = path.join(REPO_ROOT, 'tasks/handlers');
/** The functions that act on member resources (and have the role for it): the only ones that may bundle playbooks. */
const ACTS_ON_MEMBERS = Object.entries(TASK_ACCESS).flatMap(([name, access]) => (access.actsOnMembers ? [name] : []));
/** What LoadPolicy needs to choose a playbook: data and a pure lookup, no playbook module. */
const PLAYBOOK_DATA = ['tasks/playbooks/index.generated.ts', 'tasks/playbooks/playbookSummary.ts'];

const deployable = readdirSync(HANDLERS)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => /export (const|async function|function) handler\b/.test(readFileSync(path.join(HANDLERS, file), 'utf8')))
  .map((file) => file.replace(/\.ts$/, ''));

describe('function bundles', () => {
  it('carry the playbooks (and their SDK clients) only in the functions that run them', async () => {
    // Prepare: every function that runs no playbook, and one that does (so the check can fail)
    const playbookFree = deployable.filter((h) => !ACTS_ON_MEMBERS.includes(h));
    expect(playbookFree).toEqual(expect.arrayContaining(['validateFinding', 'loadPolicy', 'recordOutcome', 'escalate', 'executionStatus', 'approval']));

    // Act
    const { metafile } = await build({
      entryPoints: Object.fromEntries([...playbookFree, 'remediate'].map((h) => [h, path.join(HANDLERS, `${h}.ts`)])),
      outdir: 'out',
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    // Assess
    const inputs = (handler: string): string[] => Object.keys(metafile.outputs[`out/${handler}.js`]!.inputs);
    // The playbooks' SDK clients come with them; EC2's is the largest (about 0.5 MB minified).
    const playbookCode = (handler: string): string[] =>
      inputs(handler).filter((i) => (i.startsWith('tasks/playbooks/') && !PLAYBOOK_DATA.includes(i)) || i.includes('/@aws-sdk/client-ec2/'));
    for (const handler of playbookFree) expect({ handler, playbookCode: playbookCode(handler) }).toEqual({ handler, playbookCode: [] });
    expect(playbookCode('remediate')).toEqual(expect.arrayContaining(['tasks/playbooks/registry.ts', expect.stringContaining('/@aws-sdk/client-ec2/')]));
  });
});
