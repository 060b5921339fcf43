import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** The module bundled in place of `mnemonist/lru-cache` (./mapLruCache.ts, which says why). */
const MAP_LRU_CACHE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mapLruCache.ts');

/**
 * esbuild plugin: `import LRUCache from "mnemonist/lru-cache"` in the SDK's endpoint cache
 * (`@aws-sdk/endpoint-cache`) resolves to ./mapLruCache.ts, whose default export is `MapLruCache`. Any other use of
 * mnemonist is left alone.
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/approval.ts'], bundle: true, plugins: [endpointLruCache()] });
 */
export function endpointLruCache(): Plugin {
  return {
    name: 'rectify-endpoint-lru-cache',
    setup(build) {
      build.onResolve({ filter: /^mnemonist\/lru-cache(\.js)?$/ }, (args) =>
        /[\\/]@aws-sdk[\\/]endpoint-cache[\\/]/.test(args.importer) ? { path: MAP_LRU_CACHE } : undefined,
      );
    },
  };
}
