import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AsffFindingSchema, controlIdsOf } from '../../tasks/domain/finding.js';
import { playbookIndex } from '../../tasks/playbooks/index.generated.js';
import { playbookCovering } from '../../tasks/playbooks/playbookSummary.js';

/**
 * AWS's published standard-specific control ids (consolidated control findings off, GovCloud,
 * China) for every consolidated control the catalog fixes, with the sources they come from.
 */
const ReferenceSchema = z.object({
  sources: z.array(z.looseObject({ id: z.number(), title: z.string(), url: z.string() })).min(1),
  controls: z.record(z.string(), z.record(z.string(), z.array(z.string().min(1)))),
});
const reference = ReferenceSchema.parse(
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/securityhub-standard-control-ids.json'), 'utf8')),
);

const CIS_120 = 'cis-aws-foundations-benchmark/v/1.2.0';
/** A security control id (`EC2.13`), as opposed to an alias such as `pci-dss/v/3.2.1/PCI.EC2.5`. */
const isSecurityControlId = (id: string) => /^[A-Za-z][A-Za-z0-9]*\.\d+$/.test(id);

interface LegacyId {
  readonly control: string;
  readonly standard: string;
  readonly standardControlId: string;
  /** The id a playbook lists: what `controlIdsOf` makes of the finding's GeneratorId. */
  readonly alias: string;
}

const legacyIds: LegacyId[] = Object.entries(reference.controls).flatMap(([control, standards]) =>
  Object.entries(standards).flatMap(([standard, ids]) =>
    ids.map((standardControlId) => ({ control, standard, standardControlId, alias: `${standard}/${standardControlId}` })),
  ),
);

/** The smallest finding Security Hub sends for a standard control when consolidated control findings is off. */
function legacyFinding({ standard, standardControlId }: LegacyId, resourceType: string) {
  // CIS v1.2.0 is a "ruleset": its GeneratorId is an ARN with /rule/ and its id sits in RuleId.
  const cis120 = standard === CIS_120;
  return AsffFindingSchema.parse({
    SchemaVersion: '2018-10-08',
    Id: `arn:aws-us-gov:securityhub:us-gov-west-1:111111111111:subscription/${standard}/${standardControlId}/finding/0f2c1e52-6b7e-4a53-9d0e-5d1f0c6b7a11`,
    ProductArn: 'arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/securityhub',
    GeneratorId: cis120 ? `arn:aws-us-gov:securityhub:::ruleset/${standard}/rule/${standardControlId}` : `${standard}/${standardControlId}`,
    AwsAccountId: '111111111111',
    Title: `${standardControlId} legacy control finding`,
    UpdatedAt: '2025-01-01T00:00:00.000Z',
    Severity: { Label: 'MEDIUM' },
    Compliance: { Status: 'FAILED' },
    ProductFields: cis120
      ? { StandardsGuideArn: `arn:aws-us-gov:securityhub:::ruleset/${standard}`, RuleId: standardControlId }
      : { StandardsArn: `arn:aws-us-gov:securityhub:::standards/${standard}`, ControlId: standardControlId },
    Resources: [{ Type: resourceType, Id: `resource-of-${standardControlId}`, Partition: 'aws-us-gov', Region: 'us-gov-west-1' }],
  });
}

const coveringPlaybook = (controlIds: readonly string[]) => playbookCovering(controlIds, playbookIndex)?.playbook;

describe('standard-specific (legacy) control ids', () => {
  it('has reference data for exactly the consolidated controls the catalog covers', () => {
    // Prepare
    const covered = playbookIndex.flatMap((p) => p.controls).filter(isSecurityControlId);
    // Act
    const referenced = Object.keys(reference.controls);
    // Assess
    expect(referenced.sort()).toEqual([...covered].sort());
    expect(legacyIds.length).toBeGreaterThan(0);
  });

  it.each(legacyIds.map((id) => [id.alias, id] as const))('the playbook covering the consolidated control also lists %s', (_alias, id) => {
    // Prepare
    const owner = coveringPlaybook([id.control]);
    // Act
    const chosen = coveringPlaybook([id.alias]);
    // Assess
    expect(owner, `no playbook covers ${id.control}`).toBeDefined();
    expect(owner!.controls, `${owner!.id} fixes ${id.control} but does not list ${id.alias}`).toContain(id.alias);
    expect(chosen?.id).toBe(owner!.id);
  });

  it('lists no alias that AWS does not publish for the control it fixes', () => {
    // Prepare
    const published = new Map(legacyIds.map((id) => [id.alias, id.control]));
    // Act
    const unpublished = playbookIndex.flatMap((p) =>
      p.controls
        .filter((id) => !isSecurityControlId(id))
        .filter((alias) => !p.controls.includes(published.get(alias) ?? '\u0000'))
        .map((alias) => `${p.id}: ${alias}`),
    );
    // Assess
    expect(unpublished).toEqual([]);
  });

  it.each(legacyIds.map((id) => [id.alias, id] as const))('routes a real-shaped legacy finding for %s to the playbook of its control', (_alias, id) => {
    // Prepare
    const owner = coveringPlaybook([id.control])!;
    const finding = legacyFinding(id, owner.resourceType);
    // Act
    const controlIds = controlIdsOf(finding);
    const match = playbookCovering(controlIds, playbookIndex);
    // Assess
    expect(finding.Compliance?.SecurityControlId).toBeUndefined();
    expect(controlIds).toContain(id.alias);
    expect(match).toEqual({ playbook: owner, controlId: id.alias });
  });
});
