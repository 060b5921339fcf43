import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** An AWS SDK package's manifest, imported by its clients (`import packageInfo from "../package.json"`). */
const SDK_MANIFEST = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

/**
 * The AWS SDK's manifests as the SDK reads them: its code reads only `packageInfo.version` (for
 * the user agent), but a default import of JSON makes esbuild bundle the whole file, ~2 KB of
 * dependency lists per client on every cold start (docs/decisions/019). `name` stays too.
 *
 * @example
 * await build({ entryPoints: ['tasks/handlers/intake.ts'], bundle: true, plugins: [sdkPackageInfo()] });
 */
export function sdkPackageInfo(): Plugin {
  return {
    name: 'rectify-sdk-package-info',
    setup(build) {
      build.onLoad({ filter: SDK_MANIFEST }, async ({ path }) => {
        const { name, version } = JSON.parse(await readFile(path, 'utf8')) as { name?: string; version?: string };
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}
