import { readFileSync } from 'node:fs';
import path from 'node:path';

const SOURCE = path.resolve(import.meta.dirname, '../infra/constructs/TaskFunction.ts');

/** How the CDK TaskFunction construct builds and sizes every Rectify function. */
export interface TaskFunctionSettings {
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly esbuild: {
    readonly target: string;
    readonly format: 'esm' | 'cjs';
    readonly banner: string;
    readonly mainFields: string[];
    readonly minify: boolean;
    readonly sourcemap: boolean;
    readonly sourcesContent: boolean;
    /** `bundleAwsSDK: true`: the SDK is bundled, nothing is external. */
    readonly external: string[];
  };
  /** Environment the construct sets that changes how a bundle loads. */
  readonly nodeOptions: string;
}

function pick(source: string, pattern: RegExp, what: string): string {
  const match = pattern.exec(source);
  if (!match?.[1]) throw new Error(`bench: cannot read ${what} from ${SOURCE}; the construct changed, update bench/taskFunctionSettings.ts`);
  return match[1];
}

const flag = (source: string, name: string): boolean => pick(source, new RegExp(`\\b${name}:\\s*(true|false)`), name) === 'true';

/**
 * Read the settings from the construct's source, so the benchmark follows the deployed
 * configuration instead of a copy of it (and fails loudly when it can no longer read it).
 */
export function readTaskFunctionSettings(): TaskFunctionSettings {
  const source = readFileSync(SOURCE, 'utf8');
  const bundleAwsSdk = flag(source, 'bundleAwsSDK');
  return {
    memoryMb: Number(pick(source, /memorySize:\s*props\.memorySize\s*\?\?\s*(\d+)/, 'memorySize default')),
    architecture: pick(source, /lambda\.Architecture\.(ARM_64|X86_64)/, 'architecture') === 'ARM_64' ? 'arm64' : 'x86_64',
    esbuild: {
      target: pick(source, /const ESBUILD_TARGET = '([^']+)'/, 'esbuild target'),
      format: pick(source, /format:\s*nodejs\.OutputFormat\.(ESM|CJS)/, 'output format') === 'ESM' ? 'esm' : 'cjs',
      banner: pick(source, /const ESM_REQUIRE_BANNER =\s*"([^"]+)"/, 'ESM banner'),
      mainFields: pick(source, /mainFields:\s*\[([^\]]+)\]/, 'mainFields')
        .split(',')
        .map((f) => f.trim().replace(/^'|'$/g, '')),
      minify: flag(source, 'minify'),
      sourcemap: flag(source, 'sourceMap'),
      sourcesContent: flag(source, 'sourcesContent'),
      // NodejsFunction marks @aws-sdk/* external unless the SDK is bundled.
      external: bundleAwsSdk ? [] : ['@aws-sdk/*'],
    },
    nodeOptions: pick(source, /NODE_OPTIONS:\s*'([^']+)'/, 'NODE_OPTIONS'),
  };
}
