/**
 * Where an AWS client sends its calls. `AWS_ENDPOINT_URL_<SERVICE>` (the SDK's own
 * convention: service id upper-cased, spaces as underscores) wins over `AWS_ENDPOINT_URL`;
 * with neither set the SDK resolves the real regional endpoint.
 *
 * The SDK reads these variables itself too; we resolve them here explicitly because the
 * local runtime also needs the S3 / S3 Control adjustments below, which depend on them.
 */
export function endpointFor(serviceId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`;
  const value = env[key] ?? env.AWS_ENDPOINT_URL;
  return value && value.trim() !== '' ? value.trim() : undefined;
}
