/**
 * The AWS SDK warns on every start that its releases after January 2027 need Node 22. The CLI
 * prints machine-readable output; that notice is said once, in README, not on every run. This
 * is the SDK's own switch (@aws-sdk/core, emitWarningIfUnsupportedVersion), read when a client
 * is built.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Outside Lambda, EMF metric lines would only clutter the output and there is no X-Ray daemon.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
export {};
