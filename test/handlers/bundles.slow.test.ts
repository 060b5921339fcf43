import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_ACCESS } from '../../infra/taskAccess.js';
import { bundleFunction, ENTRY_FILE } from '../../infra/bundling/functionBundle.js';
import { bytesOf, staticClosure } from '../../infra/bundling/bundleGraph.js';
import { catalogEntries } from '../../tasks/playbooks/generateCatalog.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const HANDLERS = path.join(REPO_ROOT, 'tasks/handlers');
/** The functions that act on member resources (and have the role for it): the only ones that may run playbooks. */
const ACTS_ON_MEMBERS = Object.entries(TASK_ACCESS).flatMap(([name, access]) => (access.actsOnMembers ? [name] : []));

/**
 * The AWS SDK clients each function that runs no playbook calls. A client a bundle carries
 * beyond its list is weight on every cold start: fail, and either drop the import that drags it
 * in or, when the function really calls the service now, add it here.
 */
const CLIENTS_USED: Readonly<Record<string, readonly string[]>> = {
  intake: ['client-sfn'],
  approval: ['client-dynamodb', 'client-secrets-manager', 'client-sfn', 'client-ssm'],
  executionStatus: ['client-dynamodb', 'client-sns'],
  loadPolicy: ['client-dynamodb', 'client-ssm'],
  validateFinding: ['client-dynamodb', 'client-securityhub'],
  escalate: ['client-dynamodb', 'client-securityhub', 'client-sns'],
  recordOutcome: ['client-dynamodb', 'client-securityhub', 'client-sns'],
};
/**
 * What a function that runs no playbook may load when Lambda imports it (entry and the chunks it
 * imports statically, minified), issue 15. Bytes are deterministic; load time is the benchmark's.
 */
const COLD_START_BUDGET_BYTES = 300 * 1024;

/** A bundle's largest packages, for the failure message: what to look at first. */
function composition(metafile: Metafile, outputs: readonly string[]): string {
  const bytes = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]!.inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([key, n]) => `${key} ${(n / 1024).toFixed(1)} KB`).join(', ');
}

/** The administrator-account clients a playbook-running function may load at cold start; member services' come with the playbook. */
const ADMIN_CLIENTS = ['client-dynamodb', 'client-secrets-manager', 'client-securityhub', 'client-sfn', 'client-sns', 'client-ssm'];

const deployable = readdirSync(HANDLERS)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => /export (const|async function|function) handler\b/.test(readFileSync(path.join(HANDLERS, file), 'utf8')))
  .map((file) => file.replace(/\.ts$/, ''));
const playbookFree = deployable.filter((h) => !ACTS_ON_MEMBERS.includes(h));
const playbookRunning = deployable.filter((h) => ACTS_ON_MEMBERS.includes(h));

/** A playbook module (`tasks/playbooks/<service>/<file>.ts`) or the generated catalog that imports them all. */
const isPlaybookCode = (input: string): boolean => /^tasks\/playbooks\/[^/]+\//.test(input) || input === 'tasks/playbooks/catalog.generated.ts';
const clientOf = (input: string): string | undefined => /node_modules\/@aws-sdk\/(client-[^/]+)\//.exec(input)?.[1];

/** Every source file in these outputs of a metafile. */
function inputsOf(metafile: Metafile, outputs: Iterable<string>): string[] {
  return [...new Set([...outputs].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs)))];
}

const metafiles = new Map<string, { metafile: Metafile; entry: string }>();
let outRoot: string;

beforeAll(async () => {
  // Bundled exactly as TaskFunction deploys them (code splitting, the SDK schema plugin), not written.
  outRoot = mkdtempSync(path.join(tmpdir(), 'rectify-bundle-test-'));
  await Promise.all(
    deployable.map(async (handler) => {
      const outDir = path.join(outRoot, handler);
      const metafile = await bundleFunction({ entry: `tasks/handlers/${handler}.ts`, outDir, write: false });
      metafiles.set(handler, { metafile, entry: path.relative(REPO_ROOT, path.join(outDir, ENTRY_FILE)) });
    }),
  );
}, 300_000); // 13 bundles: ~15 s of esbuild on an idle core, minutes on a loaded machine

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('function bundles', () => {
  it('knows which functions run playbooks and which do not', () => {
    expect(playbookFree.sort()).toEqual(Object.keys(CLIENTS_USED).sort());
    expect(playbookRunning.sort()).toEqual(['checkExemption', 'classifySeverity', 'remediate', 'requestApproval', 'rollback', 'verify']);
  });

  it.each(Object.keys(CLIENTS_USED))('%s bundles no playbook and only the SDK clients it uses', (handler) => {
    // Prepare
    const { metafile } = metafiles.get(handler)!;

    // Act: the whole asset, chunks loaded later included
    const inputs = inputsOf(metafile, Object.keys(metafile.outputs).filter((o) => !o.endsWith('.map')));

    // Assess
    expect(inputs.filter(isPlaybookCode)).toEqual([]);
    expect([...new Set(inputs.flatMap((i) => clientOf(i) ?? []))].sort()).toEqual([...CLIENTS_USED[handler]!].sort());
  });

  it.each(Object.keys(CLIENTS_USED))('%s loads at most 300 KB at cold start', (handler) => {
    // Prepare
    const { metafile, entry } = metafiles.get(handler)!;

    // Act
    const atColdStart = staticClosure(metafile, entry);
    const bytes = bytesOf(metafile, atColdStart);

    // Assess
    const what = `${handler}: ${(bytes / 1024).toFixed(1)} KB at cold start: ${composition(metafile, atColdStart)}`;
    expect(bytes, what).toBeLessThanOrEqual(COLD_START_BUDGET_BYTES);
  });

  it.each(deployable)('%s bundles no zod locale but English (zod is imported as a namespace everywhere: one `import { z }` brings all 40)', (handler) => {
    // Prepare
    const { metafile } = metafiles.get(handler)!;

    // Act
    const locales = inputsOf(metafile, Object.keys(metafile.outputs).filter((o) => !o.endsWith('.map'))).filter((i) => /node_modules\/zod\/v4\/locales\/(?!en\.js$|index\.js$)/.test(i));

    // Assess
    expect(locales).toEqual([]);
  });

  it.each(playbookRunning)('%s loads no playbook and no member service client at cold start, and every playbook on demand', (handler) => {
    // Prepare
    const { metafile, entry } = metafiles.get(handler)!;

    // Act
    const atColdStart = inputsOf(metafile, staticClosure(metafile, entry));
    const onDemand = inputsOf(metafile, Object.keys(metafile.outputs).filter((o) => !o.endsWith('.map')));

    // Assess
    expect(atColdStart.filter(isPlaybookCode)).toEqual([]);
    expect(atColdStart.flatMap((i) => clientOf(i) ?? []).filter((c) => !ADMIN_CLIENTS.includes(c))).toEqual([]);
    // The check can fail: the same asset does hold every playbook, and the whole catalog is never bundled.
    const playbookFiles = catalogEntries().map((e) => `tasks/playbooks/${e.file.slice(2).replace(/\.js$/, '.ts')}`);
    expect(onDemand).toEqual(expect.arrayContaining(playbookFiles));
    expect(onDemand).not.toContain('tasks/playbooks/catalog.generated.ts');
  });
});
