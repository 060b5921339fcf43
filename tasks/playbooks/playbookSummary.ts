import type { Playbook } from './definePlaybook.js';

/**
 * What choosing a playbook needs: its id, the controls it fixes, the resource type it acts on
 * and its impact. `index.generated.ts` holds this for every registered playbook as plain data,
 * so LoadPolicy chooses without bundling any playbook or its AWS SDK clients.
 */
export type PlaybookSummary = Pick<Playbook, 'id' | 'controls' | 'resourceType' | 'impact'>;

/**
 * The summary of one playbook, as `npm run generate` writes it into `index.generated.ts`.
 *
 * @example
 * summaryOf(enableKeyRotation); // { id: 'kms-enable-key-rotation', controls: ['KMS.4'], resourceType: 'AwsKmsKey', impact: 'non-disruptive' }
 */
export function summaryOf(playbook: PlaybookSummary): PlaybookSummary {
  return { id: playbook.id, controls: [...playbook.controls], resourceType: playbook.resourceType, impact: playbook.impact };
}

/**
 * The playbook that fixes the first of these control ids any of them covers, with the id it
 * matched. Works on whole playbooks (the registry) and on summaries (the generated index) alike.
 *
 * @example
 * playbookCovering(['cis/1.0/9.9', 'S3.2'], playbookIndex); // { playbook: { id: 's3-enable-bucket-block-public-access', … }, controlId: 'S3.2' }
 */
export function playbookCovering<P extends PlaybookSummary>(
  controlIds: readonly string[],
  playbooks: readonly P[],
): { playbook: P; controlId: string } | undefined {
  for (const controlId of controlIds) {
    const playbook = playbooks.find((p) => p.controls.includes(controlId));
    if (playbook) return { playbook, controlId };
  }
  return undefined;
}
