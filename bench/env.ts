/**
 * Imported first by bench/run.ts, before any task module: the Powertools metrics and tracer
 * read these when the handlers are imported. Local runs print no EMF lines and send no traces,
 * exactly as in the test suite (vitest.config.ts).
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.RECTIFY_LOG_LEVEL ??= 'SILENT';
// The X-Ray SDK under the tracer otherwise installs an async hook (cls-hooked) that tracks every
// promise of the process: a fifth of the storm's Node CPU, for traces that are never sent.
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
export {};
