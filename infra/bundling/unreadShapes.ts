/**
 * Parts of AWS SDK models that Rectify's functions never read nor send, per client: their schema
 * modules describe them as JSON documents in the bundles (docs/decisions/019).
 *
 * Why: the Security Hub client's model of a finding (ASFF) is ~800 structures, ~100 KB minified,
 * in every function that reads (GetFindings) or imports (BatchImportFindings) findings. Almost
 * all of it is `Resources[].Details` (a structure per resource type, ~100 of them) and the
 * finding's threat-detection parts. Rectify reads a finding through its own zod schema
 * (tasks/domain/finding.ts), which takes none of these, and the findings it imports carry none.
 * The SDK has no way to send one operation with less of its model, and esbuild cannot drop a
 * structure the model reaches.
 *
 * What changes in a bundle: the SDK hands these members over as Security Hub sent them (JSON),
 * instead of copying the members its model knows. Every structure a function reads — the
 * finding itself, its resources' type, id, partition, region and tags, severity, compliance,
 * workflow — is still read through the model. ASFF has no timestamp, blob or renamed member
 * (checked in test/infra/bundling/unreadShapes.test.ts), so nothing else differs.
 */
export const UNREAD_SHAPES: Readonly<Record<string, readonly string[]>> = {
  '@aws-sdk/client-securityhub': [
    // Resources[].Details and the resource's classification
    'ResourceDetails',
    'DataClassificationDetails',
    // A finding's threat-detection and vulnerability parts
    'Action',
    'Detection',
    'FindingProviderFields',
    'GeneratorDetails',
    'Malware',
    'Network',
    'NetworkPathComponent',
    'PatchSummary',
    'ProcessDetails',
    'RelatedFinding',
    'Remediation',
    'Threat',
    'ThreatIntelIndicator',
    'Vulnerability',
  ],
};

/** The schema type code the SDK uses for a JSON document (`@smithy/core/schema`'s `SCHEMA.DOCUMENT`). */
const DOCUMENT = '15';

/** The client package a schema module belongs to, e.g. `@aws-sdk/client-securityhub`. */
export function clientOf(modulePath: string): string | undefined {
  return /[\\/](@aws-sdk[\\/]client-[^\\/]+)[\\/]/.exec(modulePath)?.[1]?.replace('\\', '/');
}

/**
 * Rewrite a client's schema module so that every member typed as one of `shapes` is a document.
 * Members refer to a structure as `() => Name$`; the structure itself is left in place (unused,
 * esbuild drops it). Returns the new source and how many references were rewritten per shape.
 */
export function documentUnreadShapes(source: string, shapes: readonly string[]): { source: string; rewritten: Map<string, number> } {
  const rewritten = new Map<string, number>(shapes.map((shape) => [shape, 0]));
  let result = source;
  for (const shape of shapes) {
    result = result.replace(new RegExp(`\\(\\) => ${shape}\\$(?![\\w$])`, 'g'), () => {
      rewritten.set(shape, rewritten.get(shape)! + 1);
      return DOCUMENT;
    });
  }
  return { source: result, rewritten };
}
