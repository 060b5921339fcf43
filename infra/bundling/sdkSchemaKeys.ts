import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The AWS SDK's generated schema modules (one per client, and the nested STS/SSO clients'). */
export const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/].+[\\/]schemas[\\/]schemas_\d+\.js$/;
/** `const _hQ = "httpQuery";`: the string constants those modules declare at their top. */
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
/** `{ [_hQ]: …`: a computed key naming one of them. */
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/**
 * Writes the computed keys of the AWS SDK's schema modules (`{ [_hQ]: _NT }`) as the string
 * literals they stand for (`{ "httpQuery": _NT }`), which means the same. esbuild cannot tell that
 * a computed key is a plain string, so it keeps every schema with one, and through them every
 * operation of the client: a function calling one EC2 command bundled all 500 KB of EC2's
 * schemas. With literal keys it keeps only the schemas of the commands a bundle sends
 * (docs/decisions/014).
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/intake.ts'], bundle: true, plugins: [sdkSchemaKeys()] });
 */
export function sdkSchemaKeys(): Plugin {
  return {
    name: 'rectify-sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => ({ contents: literalSchemaKeys(await readFile(path, 'utf8')), loader: 'js' }));
    },
  };
}

/** A schema module's source with its computed keys written as the string literals they name. */
export function literalSchemaKeys(source: string): string {
  const constants = new Map([...source.matchAll(STRING_CONSTANT)].map((m) => [m[1]!, m[2]!]));
  return source.replace(COMPUTED_KEY, (key, name: string) => (constants.has(name) ? `${constants.get(name)!}:` : key));
}
