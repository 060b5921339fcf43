import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalExecution } from './ExecutionEngine.js';
import type { TraceEvent } from './trace.js';
import { traceDir } from './rectifyHome.js';


export interface SavedTrace {
  readonly definition: Record<string, unknown>;
  readonly execution: {
    readonly name: string;
    readonly executionArn: string;
    readonly status: string;
    readonly error?: string;
    readonly cause?: string;
    readonly startDate: string;
    readonly stopDate?: string;
    readonly lambdaInvocations: number;
    readonly events: TraceEvent[];
  };
}

export function saveTrace(definition: Record<string, unknown>, execution: LocalExecution, dir = traceDir()): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${execution.name}.json`);
  const trace: SavedTrace = {
    definition,
    execution: {
      name: execution.name,
      executionArn: execution.executionArn,
      status: execution.status,
      ...(execution.error ? { error: execution.error } : {}),
      ...(execution.cause ? { cause: execution.cause } : {}),
      startDate: execution.startDate.toISOString(),
      ...(execution.stopDate ? { stopDate: execution.stopDate.toISOString() } : {}),
      lambdaInvocations: execution.lambdaInvocations,
      events: execution.events,
    },
  };
  writeFileSync(file, JSON.stringify(trace));
  return file;
}

/** A saved trace by execution name (or a unique prefix of it). */
export function loadTrace(name: string, dir = traceDir()): SavedTrace {
  const exact = path.join(dir, `${name}.json`);
  if (existsSync(exact)) return JSON.parse(readFileSync(exact, 'utf8')) as SavedTrace;
  const matches = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(name) && f.endsWith('.json')) : [];
  if (matches.length === 1) return JSON.parse(readFileSync(path.join(dir, matches[0]!), 'utf8')) as SavedTrace;
  throw new Error(
    matches.length > 1
      ? `"${name}" matches ${matches.length} executions; give more of the name`
      : `no local trace for "${name}" in ${dir}; run it first (npm run sandbox, or rectify simulate)`,
  );
}
