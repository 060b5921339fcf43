/**
 * Imported first by bench/run.ts, before any task module: the Powertools metrics read these when
 * the handlers are imported. Local runs print no EMF lines, exactly as in the test suite
 * (vitest.config.ts). The tracer settings only matter for runs of commits before decision 014.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.RECTIFY_LOG_LEVEL ??= 'SILENT';
// The X-Ray SDK under the tracer (before decision 014) otherwise installed an async hook (cls-hooked)
// that tracked every promise of the process: a fifth of the storm's Node CPU, for traces never sent.
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
export {};
