import type { Plugin } from 'esbuild';

/** The stub bundled for the pure-JavaScript SHA-256 that `Sha256Node` falls back to (see below). */
export const NO_JS_SHA256 = 'rectify-no-js-sha256';

/**
 * esbuild plugin: the SDK's `Sha256Node` (every client's request signer and checksums) uses
 * `node:crypto` and falls back to a pure-JavaScript SHA-256 only when the runtime cannot hash
 * SHA-256 at all. Node on Lambda always can, so that fallback (~3 KB in every function's cold
 * start) is bundled as a class that says so if it is ever constructed. `Sha256Js` imported by
 * anything else is left alone. docs/decisions/019.
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/escalate.ts'], bundle: true, plugins: [nativeSha256()] });
 */
export function nativeSha256(): Plugin {
  return {
    name: 'rectify-native-sha256',
    setup(build) {
      build.onResolve({ filter: /^\.\/Sha256Js(\.js)?$/ }, (args) =>
        /[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/.test(args.importer) ? { path: NO_JS_SHA256, namespace: NO_JS_SHA256 } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: NO_JS_SHA256 }, () => ({
        contents:
          'export class Sha256Js { constructor() { throw new Error("This runtime cannot hash SHA-256 with node:crypto; Rectify\'s bundles need it (Node on Lambda has it)."); } }',
        loader: 'js',
      }));
    },
  };
}
