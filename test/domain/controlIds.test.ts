import { describe, expect, it } from 'vitest';
import { knownControlIds, normaliseControlId, UnknownControlError } from '../../tasks/domain/controlIds.js';
import { playbookIndex } from '../../tasks/playbooks/index.generated.js';

describe('control ids an operator types', () => {
  it('knows every control id and alias of the catalog, each once, and no two differ only in case', () => {
    // Prepare
    const known = knownControlIds();
    // Assess
    for (const playbook of playbookIndex) expect(known).toEqual(expect.arrayContaining([...playbook.controls]));
    expect(new Set(known.map((id) => id.toLowerCase())).size).toBe(known.length);
  });

  it("returns the catalog's spelling whatever the case and surrounding spaces", () => {
    expect(normaliseControlId('EC2.19')).toBe('EC2.19');
    expect(normaliseControlId(' ec2.19 ')).toBe('EC2.19');
    expect(normaliseControlId('CIS-AWS-FOUNDATIONS-BENCHMARK/v/1.2.0/4.1')).toBe('cis-aws-foundations-benchmark/v/1.2.0/4.1');
  });

  it('refuses an unknown id, naming the nearest known ones', () => {
    // Act
    const refused = (input: string) => {
      try {
        normaliseControlId(input);
      } catch (error) {
        return error;
      }
      throw new Error(`${input} was accepted`);
    };
    const typo = refused('EC2.999');
    // Assess
    expect(typo).toBeInstanceOf(UnknownControlError);
    expect(typo).toMatchObject({ name: 'UnknownControlError', message: expect.stringContaining('EC2.19') });
    expect((typo as UnknownControlError).suggestions[0]).toBe('EC2.19');
    expect((refused('FOO') as UnknownControlError).suggestions).toHaveLength(3);
    expect(refused('')).toBeInstanceOf(UnknownControlError);
  });
});
