/**
 * Imported first by bench/run.ts, before any task module: the Powertools metrics and tracer
 * read these when the handlers are imported. Local runs print no EMF lines and send no traces,
 * exactly as in the test suite (vitest.config.ts).
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.RECTIFY_LOG_LEVEL ??= 'SILENT';
export {};
