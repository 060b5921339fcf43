import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { asScenarioDocument, ScenarioFileError } from '../../workflows/local/scenarioInput.js';

const file = path.resolve(import.meta.dirname, '../fixtures/ocsf/sqs1-failed.event.json');
const event = JSON.parse(readFileSync(file, 'utf8')) as { detail: { findings: Record<string, unknown>[] } };
const finding = event.detail.findings[0]!;

describe('simulate takes OCSF as it takes ASFF', () => {
  it.each([
    ['a Findings Imported V2 event', event],
    ['a raw OCSF finding', finding],
    ['a GetFindingsV2 answer with one finding', { Findings: [finding] }],
  ])('%s runs as a scenario with that finding', (_what, json) => {
    // Act
    const document = asScenarioDocument(json, 'f.json') as { name: string; finding: unknown };
    // Assess
    expect(document).toEqual({ name: 'f.json: Amazon SQS queues should be encrypted at rest', finding });
  });

  it('refuses an event with two findings, saying what to do', () => {
    expect(() => asScenarioDocument({ ...event, detail: { findings: [finding, finding] } }, 'f.json')).toThrow(ScenarioFileError);
  });
});
