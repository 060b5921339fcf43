/**
 * Parts of AWS SDK models that Rectify's functions never read, per client: their schema modules
 * describe them as JSON documents in the bundles (docs/decisions/019). A part Rectify sends is
 * listed only when its wire form is the plain JSON Rectify wrote (below).
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
 * workflow — is still read through the model.
 *
 * Sent as written: the GetFindings filters of both hubs (~110 filter fields, ~5 KB in every
 * function that reads a finding back). Rectify's filters are strings compared with EQUALS; a
 * document is serialized as the JSON it holds, which is what the model would send.
 *
 * Why nothing else differs: none of these shapes, nor anything they reach, has a timestamp, a
 * blob or a member whose JSON name is not its own (test/infra/bundling/unreadShapes.test.ts walks
 * the SDK's model to prove it), so the model would copy the same JSON either way.
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
    // Sent as written: GetFindings' and GetFindingsV2's filters
    'AwsSecurityFindingFilters',
    'OcsfFindingFilters',
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
