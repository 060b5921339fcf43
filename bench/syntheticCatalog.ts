import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { catalogEntries, renderIndex } from '../tasks/playbooks/generateCatalog.js';
import { playbookIndex } from '../tasks/playbooks/index.generated.js';

const PLAYBOOKS_DIR = path.resolve(import.meta.dirname, '../tasks/playbooks');
const NAMESPACE = 'rectify-synthetic-catalog';

/** The id of copy `copy` of a playbook (copy 0 is the playbook itself). */
const copyId = (id: string, copy: number): string => (copy === 0 ? id : `${id}-copy${copy}`);

/**
 * An esbuild plugin that bundles a catalog `times` the size of the real one, without writing a
 * file: the generated loaders and index are replaced by ones listing every playbook `times` times,
 * each copy its own module (the playbook's source with another id, and another control id, so no
 * two claim one control). A function that loads playbooks on demand must load as fast with it.
 *
 * @example
 * await bundleFunction({ entry: 'tasks/handlers/remediate.ts', outDir, plugins: [syntheticCatalog(3)] });
 */
export function syntheticCatalog(times: number): Plugin {
  const entries = catalogEntries();
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^\.\/(loaders|index)\.generated\.js$/ }, ({ path: spec, resolveDir }) =>
        path.resolve(resolveDir) === PLAYBOOKS_DIR ? { path: spec.includes('loaders') ? 'loaders' : 'index', namespace: NAMESPACE } : undefined,
      );
      build.onResolve({ filter: /^copy:/, namespace: NAMESPACE }, ({ path: spec }) => ({ path: spec, namespace: NAMESPACE }));
      build.onLoad({ filter: /^index$/, namespace: NAMESPACE }, () => ({
        contents: renderIndex(
          Array.from({ length: times }, (_, copy) =>
            playbookIndex.map((p) => ({ ...p, id: copyId(p.id, copy), controls: p.controls.map((c) => (copy === 0 ? c : `${c}-copy${copy}`)) })),
          ).flat(),
        ),
        resolveDir: PLAYBOOKS_DIR,
        loader: 'ts',
      }));
      build.onLoad({ filter: /^loaders$/, namespace: NAMESPACE }, () => ({
        contents: [
          'export const playbookLoaders = {',
          ...Array.from({ length: times }, (_, copy) =>
            entries.map((e, i) => `  '${copyId(playbookIndex[i]!.id, copy)}': async () => (await import('copy:${copy}:${e.file}')).${e.name},`),
          ).flat(),
          '};',
        ].join('\n'),
        resolveDir: PLAYBOOKS_DIR,
        loader: 'ts',
      }));
      build.onLoad({ filter: /^copy:/, namespace: NAMESPACE }, ({ path: spec }) => {
        const [, copy, file] = /^copy:(\d+):\.\/(.+)\.js$/.exec(spec)!;
        const source = path.join(PLAYBOOKS_DIR, `${file!}.ts`);
        const contents = readFileSync(source, 'utf8').replace(/(\bid:\s*')([a-z0-9-]+)'/, (_, head: string, id: string) => `${head}${copyId(id, Number(copy))}'`);
        return { contents, resolveDir: path.dirname(source), loader: 'ts' };
      });
    },
  };
}
