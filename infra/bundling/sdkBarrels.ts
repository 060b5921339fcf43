import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, PluginBuild } from 'esbuild';

/** The AWS SDK's and Smithy's ES module builds. */
const SDK_MODULE = /[\\/]node_modules[\\/]@(?:aws-sdk|smithy)[\\/].+[\\/]dist-es[\\/].+\.js$/;
/** Their generated schema modules, which sdkSchemaRewrites loads. */
const SCHEMA_MODULE = /[\\/]schemas[\\/]schemas_\d+\.js$/;
/** `import { a, b as c } from "@smithy/core/protocols";` (the SDK's compiled imports are one line each). */
const NAMED_IMPORT = /^import \{([^}]*)\} from "([^"]+)";$/gm;
/** `export { a, b as c } from "./x";`: the only kind of line a pure re-export module (a barrel) has. */
const RE_EXPORT = /^export \{([^}]*)\} from "([^"]+)";$/;

interface Binding {
  /** The module that declares it. */
  readonly file: string;
  /** Its name there. */
  readonly name: string;
}

/** `a`, `b as c` → [['a', 'a'], ['b', 'c']] (imported name, local name). */
function specifiers(list: string): [string, string][] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [from, as] = s.split(/\s+as\s+/);
      return [from!, as ?? from!];
    });
}

const sideEffectsByDir = new Map<string, Set<string>>();

/** The modules a package says have side effects (package.json `sideEffects`), as absolute paths. */
function sideEffectFiles(file: string): Set<string> {
  const known = sideEffectsByDir.get(path.dirname(file));
  if (known) return known;
  const found = findSideEffectFiles(file);
  sideEffectsByDir.set(path.dirname(file), found);
  return found;
}

function findSideEffectFiles(file: string): Set<string> {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    let manifest: { name?: string; sideEffects?: unknown };
    try {
      manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as typeof manifest;
    } catch {
      continue;
    }
    if (!manifest.name) continue;
    return new Set(Array.isArray(manifest.sideEffects) ? manifest.sideEffects.map((f: string) => path.join(dir, f)) : []);
  }
  return new Set();
}

/**
 * Imports the AWS SDK makes through its re-export modules ("barrels": `@aws-sdk/core/protocols`,
 * `@smithy/core/client`, …) rewritten to import each name from the module that declares it.
 * Same bindings, same modules evaluated for what the importer uses (the packages declare
 * themselves free of side effects; the modules their `sideEffects` lists are still imported).
 *
 * Why: esbuild splits code by *file*: a file the entry reaches through any import lands in a
 * chunk the entry loads at start, even when only a lazily loaded chunk uses its code. Through
 * the barrels, every function's entry reaches every protocol, signer and endpoint helper, and
 * the credential providers Lambda never loads (SSO, web identity, INI: they load the STS and
 * SSO clients, which use the query and XML protocols) made them live: 15–40 KB of each cold
 * start that nothing on it runs (docs/decisions/019).
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/intake.ts'], bundle: true, splitting: true, format: 'esm', plugins: [sdkBarrels()] });
 */
export function sdkBarrels(): Plugin {
  return {
    name: 'rectify-sdk-barrels',
    setup(build) {
      // The SDK's files do not change while a process bundles; every build of it (two passes per
      // function, every function of an app) shares what the first one worked out.
      const resolve: Resolve = (spec, resolveDir) => {
        const key = `${resolveDir}\0${spec}`;
        let resolved = RESOLUTIONS.get(key);
        if (!resolved) {
          // A relative path in the SDK's build is a file or a folder's index.js: no round trip to esbuild for it.
          const local = spec.startsWith('.') ? [`${spec}.js`, `${spec}/index.js`, spec].map((s) => path.resolve(resolveDir, s)).find((f) => f.endsWith('.js') && existsSync(f)) : undefined;
          resolved = local ? Promise.resolve({ path: local, errors: [], external: false }) : build.resolve(spec, { kind: 'import-statement', resolveDir });
          RESOLUTIONS.set(key, resolved);
        }
        return resolved;
      };
      const exportsOf: ExportsOf = (file) => {
        let entry = BARRELS.get(file);
        if (!entry) BARRELS.set(file, (entry = barrelExports(resolve, file, exportsOf)));
        return entry;
      };
      build.onLoad({ filter: SDK_MODULE }, async ({ path: file }) => {
        if (SCHEMA_MODULE.test(file)) return undefined;
        let contents = CONTENTS.get(file);
        if (!contents) CONTENTS.set(file, (contents = withFlatImports(file, resolve, exportsOf)));
        return { contents: await contents, loader: 'js', resolveDir: path.dirname(file) };
      });
    },
  };
}

const RESOLUTIONS = new Map<string, Promise<Resolved>>();
const BARRELS = new Map<string, Promise<Map<string, Binding> | undefined>>();
const CONTENTS = new Map<string, Promise<string>>();

/** A module's source with each import through a pure barrel flattened. */
async function withFlatImports(file: string, resolve: Resolve, exportsOf: ExportsOf): Promise<string> {
  const source = await readFile(file, 'utf8');
  const rewrites = await Promise.all(
    [...source.matchAll(NAMED_IMPORT)].map(async (match) => ({ match, replacement: await flattened(resolve, file, match[1]!, match[2]!, exportsOf) })),
  );
  let contents = source;
  for (const { match, replacement } of rewrites.reverse()) {
    if (replacement !== undefined) contents = contents.slice(0, match.index) + replacement + contents.slice(match.index + match[0].length);
  }
  return contents;
}

type ExportsOf = (file: string) => Promise<Map<string, Binding> | undefined>;
type Resolved = Pick<Awaited<ReturnType<PluginBuild['resolve']>>, 'path' | 'errors' | 'external'>;
type Resolve = (spec: string, resolveDir: string) => Promise<Resolved>;

/** One import statement of `importer`, flattened; undefined to leave it as it is. */
async function flattened(resolve: Resolve, importer: string, list: string, spec: string, exportsOf: ExportsOf): Promise<string | undefined> {
  const resolved = await resolve(spec, path.dirname(importer));
  if (resolved.errors.length > 0 || !resolved.path || resolved.external) return undefined;
  const exported = await exportsOf(resolved.path);
  if (!exported) return undefined;
  const byFile = new Map<string, string[]>();
  for (const [name, local] of specifiers(list)) {
    const binding = exported.get(name);
    if (!binding) return undefined;
    byFile.set(binding.file, [...(byFile.get(binding.file) ?? []), binding.name === local ? local : `${binding.name} as ${local}`]);
  }
  const sideEffects = [...sideEffectFiles(resolved.path)].filter((f) => [...exported.values()].some((b) => b.file === f) && !byFile.has(f));
  return [
    ...[...byFile].map(([file, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(file)};`),
    ...sideEffects.map((file) => `import ${JSON.stringify(file)};`),
  ].join(' ');
}

/** Where each name a pure barrel exports is declared (through nested barrels); undefined when the module is not a pure barrel. */
async function barrelExports(resolve: Resolve, file: string, exportsOf: ExportsOf): Promise<Map<string, Binding> | undefined> {
  if (!SDK_MODULE.test(file)) return undefined;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines.every((l) => RE_EXPORT.test(l))) return undefined;
  const entries = await Promise.all(
    lines.map(async (line) => {
      const [, list, spec] = RE_EXPORT.exec(line)!;
      const resolved = await resolve(spec!, path.dirname(file));
      if (resolved.errors.length > 0 || !resolved.path || resolved.external) return undefined;
      const nested = await exportsOf(resolved.path);
      return specifiers(list!).map(([name, as]) => [as, nested?.get(name) ?? { file: resolved.path, name }] as const);
    }),
  );
  if (entries.some((e) => e === undefined)) return undefined;
  return new Map(entries.flatMap((e) => e!));
}
