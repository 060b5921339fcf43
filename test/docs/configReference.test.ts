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
    const doc = renderConfigReference();
    for (const key of Object.keys(RectifyConfigSchema.shape)) expect(doc).toMatch(new RegExp(`\\| \`rectify\\.${key}\` \\|[^\\n]*\\| [A-Z][^|]+ \\|`));
    for (const key of Object.keys(PolicySchema.shape)) expect(doc).toMatch(new RegExp(`\\| \`${key}\` \\|[^\\n]*\\| [A-Z][^|]+ \\|`));
  });
});
