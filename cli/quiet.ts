/**
 * The AWS SDK warns on every start that releases after January 2027 need Node 22. The CLI
 * prints machine-readable output; that notice is said once in README, not on every run.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === 'string' ? (rest[0] as { type?: string } | string | undefined) : warning.name;
  const type = typeof name === 'string' ? name : name?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
export {};

// Outside Lambda, EMF metric lines would only clutter the output and there is no X-Ray daemon.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
