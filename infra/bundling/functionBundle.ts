import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { endpointLruCache } from './endpointLruCache.js';
import { nativeSha256 } from './nativeSha256.js';
import { sdkBarrels } from './sdkBarrels.js';
import { errorsToKeep } from './sdkErrors.js';
import { sdkPackageInfo } from './sdkPackageInfo.js';
import { sdkSchemaRewrites } from './sdkSchemaRewrites.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Node version the bundles are built for (esbuild target); the runtime is TaskFunction's. */
export const ESBUILD_TARGET = 'node22';

/**
 * esbuild's ESM output has no `require`; bundled CommonJS dependencies (the AWS SDK's) need one.
 * The alias keeps the import from clashing with a bundled `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as rectifyCreateRequire } from 'node:module'; const require = rectifyCreateRequire(import.meta.url);";

/** The handler file of a function's asset, and the folder of the chunks it loads. */
export const ENTRY_FILE = 'index.mjs';
export const CHUNK_DIR = 'chunks';

/**
 * How every Rectify function is bundled: ESM for Node 22, minified, with source maps (no sources
 * inside) and the AWS SDK bundled, so the handlers run the SDK version they were tested with.
 * Code splitting: whatever a handler imports with `import()` — a playbook, the SDK's credential
 * providers it does not need in Lambda — becomes a chunk loaded only when called
 * (docs/decisions/014).
 */
export const BUNDLE_OPTIONS = {
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  splitting: true,
  banner: ESM_REQUIRE_BANNER,
  /** Nothing external: the SDK is bundled. */
  external: [] as string[],
} as const;

export interface FunctionBundleOptions {
  /** The handler module, relative to the repository root, e.g. `tasks/handlers/intake.ts`. */
  readonly entry: string;
  /** Where the asset is written: `index.mjs` (exporting `handler`), `chunks/`, source maps. */
  readonly outDir: string;
  /** @default true */
  readonly write?: boolean;
  /** More plugins, run before the SDK schema one (the benchmark's synthetic catalog). */
  readonly plugins?: readonly Plugin[];
}

/**
 * Bundle one function into its own folder, as deployed, and return esbuild's metafile.
 *
 * @example
 * await bundleFunction({ entry: 'tasks/handlers/remediate.ts', outDir: '/tmp/remediate' });
 */
export async function bundleFunction(options: FunctionBundleOptions): Promise<Metafile> {
  // Two passes: the first finds the SDK commands the asset sends, the second registers only the
  // errors those can raise (sdkErrors.ts). Same modules, same chunks; the second is the asset.
  const sdk = [sdkBarrels(), sdkPackageInfo(), endpointLruCache(), nativeSha256()];
  const first = await buildOnce(options, [...(options.plugins ?? []), ...sdk, sdkSchemaRewrites()], false, { minify: false, sourcemap: false });
  const keepErrors = errorsToKeep(first, REPO_ROOT);
  return buildOnce(options, [...(options.plugins ?? []), ...sdk, sdkSchemaRewrites({ keepErrors })], options.write ?? true);
}

/** One esbuild run with the deployed options; `survey` turns off what only the written asset needs. */
async function buildOnce(options: FunctionBundleOptions, plugins: Plugin[], write: boolean, survey?: { minify: false; sourcemap: false }): Promise<Metafile> {
  const result = await build({
    entryPoints: { index: path.resolve(REPO_ROOT, options.entry) },
    outdir: options.outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: BUNDLE_OPTIONS.platform,
    format: BUNDLE_OPTIONS.format,
    target: BUNDLE_OPTIONS.target,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    minify: survey?.minify ?? BUNDLE_OPTIONS.minify,
    sourcemap: survey?.sourcemap ?? BUNDLE_OPTIONS.sourcemap,
    sourcesContent: BUNDLE_OPTIONS.sourcesContent,
    splitting: BUNDLE_OPTIONS.splitting,
    banner: { js: BUNDLE_OPTIONS.banner },
    external: [...BUNDLE_OPTIONS.external],
    plugins,
    metafile: true,
    write,
    logLevel: 'silent',
  });
  return result.metafile;
}
