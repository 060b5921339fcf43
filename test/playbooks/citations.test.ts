import { describe, expect, it } from 'vitest';
import { allPlaybooks } from '../../tasks/playbooks/registry.js';
import { playbookSources } from '../support/playbookSources.js';

/**
 * Every playbook cites the Security Hub control page of each consolidated control it fixes
 * (docs/writing-a-playbook.md, "Fidelity"): its doc comment names the anchor, e.g.
 * `ec2-controls.html#ec2-19`, so a reader can check verify against the control's own words.
 */
const sources = playbookSources();

/** `EC2.19` → `ec2-controls.html#ec2-19`; legacy per-standard ids (with a `/`) have no page of their own. */
function anchorOf(control: string): string | undefined {
  const match = /^([A-Za-z0-9]+)\.(\d+)$/.exec(control);
  if (!match) return undefined;
  const service = match[1]!.toLowerCase();
  return `${service}-controls.html#${service}-${match[2]}`;
}

describe('each playbook cites the control page of every control it fixes', () => {
  it('finds the source of every registered playbook', () => {
    expect(sources).toHaveLength(allPlaybooks().length);
  });

  for (const playbook of allPlaybooks()) {
    it(playbook.id, () => {
      const source = sources.find((s) => s.playbookId === playbook.id);
      expect(source, `the source of ${playbook.id}`).toBeDefined();
      const missing = playbook.controls.map(anchorOf).filter((anchor): anchor is string => anchor !== undefined && !source!.text.includes(anchor));
      expect(missing, `${playbook.id} does not cite ${missing.join(', ')}`).toEqual([]);
    });
  }
});
