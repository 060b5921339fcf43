import { BUNDLE_OPTIONS } from '../infra/bundling/functionBundle.js';
import { DEFAULT_MEMORY_MB, FUNCTION_NODE_OPTIONS } from '../infra/constructs/TaskFunction.js';

/** How the CDK TaskFunction construct builds and sizes every Rectify function. */
export interface TaskFunctionSettings {
  readonly memoryMb: number;
  /** The esbuild options every function is bundled with (infra/bundling/functionBundle.ts). */
  readonly esbuild: typeof BUNDLE_OPTIONS;
  /** Environment the construct sets that changes how a bundle loads. */
  readonly nodeOptions: string;
}

/**
 * The settings the construct deploys with, imported from it and from the bundling module it
 * runs, so the benchmark measures the deployed configuration instead of a copy of it.
 */
export function readTaskFunctionSettings(): TaskFunctionSettings {
  return { memoryMb: DEFAULT_MEMORY_MB, esbuild: BUNDLE_OPTIONS, nodeOptions: FUNCTION_NODE_OPTIONS };
}
