import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExpectations, loadScenario, runScenario } from '../../workflows/local/scenario.js';
import { useMoto } from '../support/moto.js';

/** Every `*.scenario.json` beside a playbook's test, run end to end through the workflow. */
function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return scenarioFiles(full);
    return entry.name.endsWith('.scenario.json') ? [full] : [];
  });
}

const files = scenarioFiles(import.meta.dirname).sort();

describe('playbook scenarios through the workflow, against moto', () => {
  const aws = useMoto();

  it('finds scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(path.relative(import.meta.dirname, file), async () => {
      // Prepare
      await aws.moto.reset();
      const scenario = loadScenario(file);
      // Act
      const result = await runScenario(scenario, { endpoint: aws.endpoint });
      // Assess
      expect(scenario.expect, 'a playbook scenario must say what it expects').toBeDefined();
      expect(checkExpectations(scenario, result)).toEqual([]);
    });
  }
});
