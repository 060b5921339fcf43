import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS, renderConfigReference } from '../../cli/docs/configReference.js';
import { RectifyConfigSchema } from '../../infra/config.js';
import { PolicySchema } from '../../tasks/domain/policy.js';

describe('docs/configuration.md', () => {
  it('is generated from the zod schemas (run `npm run generate` when this fails)', () => {
    expect(readFileSync(CONFIG_DOCS, 'utf8')).toBe(renderConfigReference());
  });

  it('documents every key of both schemas, each with a meaning', () => {
    const lines = renderConfigReference().split('\n');
    const meaning = (name: string) => lines.find((l) => l.startsWith(`| \`${name}\` |`))?.split(' | ').at(-1)?.replace(/ \|$/, '') ?? '';
    for (const key of Object.keys(RectifyConfigSchema.shape)) expect(meaning(`rectify.${key}`), key).toMatch(/^[A-Z].{10,}/);
    for (const key of Object.keys(PolicySchema.shape)) expect(meaning(key), key).toMatch(/^[A-Z`].{10,}/);
  });
});
