import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { clientOf } from './unreadShapes.js';

/** `node_modules/@aws-sdk/client-ssm/dist-es/commands/GetParameterCommand.js`: a command a bundle sends. */
const COMMAND_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]commands[\\/](\w+)Command\.js$/;
/** ` * @throws {@link ParameterNotFound} (client fault)`: an error the command's documentation says it raises. */
const THROWS = /@throws \{@link (\w+)\}/g;
/** `import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'` in Rectify's own code. */
const CLIENT_IMPORT = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[\w-]+)['"]/g;
/** `n0_registry.registerError(ParameterNotFound$, ParameterNotFound);` in a client's schema module. */
const ERROR_REGISTRATION = /^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm;

/**
 * The modelled errors each AWS SDK client in a bundle must still know, by client package: every
 * error the documentation of a command the bundle sends says it may raise (`@throws` in the
 * command's type definitions, generated from the service model), and every error class Rectify's
 * own code imports. A client none of whose commands documents an error is left out (not pruned).
 *
 * Why: a client's schema module registers *all* the service's errors when it loads (SSM: 141
 * classes and schemas, ~50 KB minified, for the one GetParameter the policy read sends), so
 * esbuild keeps them all. An error the service returns that is not registered still arrives as
 * the client's service exception with the same `name`, `message`, `$fault` and `$metadata`
 * (`@aws-sdk/core`'s ProtocolLib) — what Rectify reads of an SDK error — only not as an instance
 * of its own class (docs/decisions/019).
 */
export function errorsToKeep(metafile: Metafile, repoRoot: string): Map<string, Set<string>> {
  const keep = new Map<string, Set<string>>();
  // What the outputs hold, not every module esbuild read (a client's command barrel reads them all).
  const bundled = new Set(Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => input)));
  for (const input of bundled) {
    const client = clientOf(input);
    const command = COMMAND_MODULE.exec(input);
    if (!client || !command) continue;
    const types = path.resolve(repoRoot, input).replace(/dist-es([\\/]commands[\\/]\w+)\.js$/, 'dist-types$1.d.ts');
    if (!existsSync(types)) continue;
    const thrown = [...readFileSync(types, 'utf8').matchAll(THROWS)].map((m) => m[1]!);
    if (thrown.length === 0) continue;
    const errors = keep.get(client) ?? new Set<string>();
    thrown.forEach((name) => errors.add(name));
    keep.set(client, errors);
  }
  for (const input of bundled) {
    const file = path.resolve(repoRoot, input);
    // Files only: a plugin's virtual modules (the benchmark's synthetic catalog) have no source here.
    if (input.includes('node_modules') || !/\.[cm]?[jt]s$/.test(input) || !existsSync(file)) continue;
    for (const [, names, client] of readFileSync(file, 'utf8').matchAll(CLIENT_IMPORT)) {
      const errors = keep.get(client!);
      names!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean).forEach((n) => errors?.add(n));
    }
  }
  return keep;
}

/**
 * A client's schema module without the registrations of errors not in `keep`; the service
 * exception every client registers first (`_s_registry`) stays. The unregistered errors' classes
 * and schemas are then unused and esbuild drops them. Returns the new source and how many
 * registrations were removed.
 */
export function pruneErrorRegistrations(source: string, keep: ReadonlySet<string>): { source: string; removed: number } {
  let removed = 0;
  const result = source.replace(ERROR_REGISTRATION, (line, registry: string, _schema: string, errorClass: string) => {
    if (registry === '_s' || keep.has(errorClass)) return line;
    removed++;
    return '';
  });
  return { source: result, removed };
}
