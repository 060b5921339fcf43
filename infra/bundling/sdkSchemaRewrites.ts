import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { pruneErrorRegistrations } from './sdkErrors.js';
import { literalSchemaKeys, SCHEMA_MODULE } from './sdkSchemaKeys.js';
import { clientOf, documentUnreadShapes, UNREAD_SHAPES } from './unreadShapes.js';

export interface SdkSchemaRewriteOptions {
  /** Per client package, the errors its schema module still registers (`errorsToKeep`); a client not listed keeps all. */
  readonly keepErrors?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Every rewrite of the AWS SDK's schema modules a function bundle gets, in one esbuild plugin
 * (a module is loaded by one plugin): computed keys as literals (`sdkSchemaKeys`), the model
 * parts Rectify never reads as documents (`UNREAD_SHAPES`), and, when given, only the errors
 * the bundle's commands can raise (`errorsToKeep`). docs/decisions/014 and 019.
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/escalate.ts'], bundle: true, plugins: [sdkSchemaRewrites()] });
 */
export function sdkSchemaRewrites(options: SdkSchemaRewriteOptions = {}): Plugin {
  return {
    name: 'rectify-sdk-schema-rewrites',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => {
        const client = clientOf(path);
        let contents = literalSchemaKeys(await readFile(path, 'utf8'));
        const unread = client ? UNREAD_SHAPES[client] : undefined;
        if (unread) contents = documentUnreadShapes(contents, unread).source;
        const keep = client ? options.keepErrors?.get(client) : undefined;
        if (keep) contents = pruneErrorRegistrations(contents, keep).source;
        return { contents, loader: 'js' };
      });
    },
  };
}
