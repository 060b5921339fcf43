import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RectifyConfigSchema } from '../../infra/config.js';
import { PolicySchema } from '../../tasks/domain/policy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const CONFIG_DOCS = path.join(ROOT, 'docs', 'configuration.md');

/** The TSDoc text above each `key:` in a source file (the schemas' own documentation). */
function docComments(file: string): Map<string, string> {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const docs = new Map<string, string>();
  for (const match of source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*\n\s*(\w+):/g)) {
    const text = match[1]!
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, '').trim())
      .filter((l) => l && !l.startsWith('@'))
      .join(' ');
    docs.set(match[2]!, text);
  }
  return docs;
}

function typeOf(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as { type?: string; enum?: unknown[]; items?: { type?: string; enum?: unknown[] }; anyOf?: unknown[] };
  if (json.enum) return json.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (json.type === 'array') return `${json.items?.enum ? 'list of enum' : `list of ${json.items?.type ?? 'values'}`}`;
  return json.type ?? (json.anyOf ? 'one of several' : 'object');
}

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '—';
  return `\`${JSON.stringify(parsed.data)}\``;
}

function rows(shape: Record<string, z.ZodType>, docs: Map<string, string>, prefix: string): string[] {
  return Object.entries(shape).map(([key, schema]) => `| \`${prefix}${key}\` | ${typeOf(schema)} | ${defaultOf(schema)} | ${(docs.get(key) ?? '').replace(/\|/g, '\\|')} |`);
}

/** docs/configuration.md, generated from the zod schemas and their TSDoc (a test fails when it is stale). */
export function renderConfigReference(): string {
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from infra/config.ts and tasks/domain/policy.ts by `npm run generate`; a test fails when it is stale. -->',
    '',
    '## Deployment: `cdk.json` context key `rectify`',
    '',
    'Validated at synth; a bad value stops synth with a message naming the key (`rectify.approvalTimeoutHours: …`).',
    '',
    '| Key | Type | Default | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows(RectifyConfigSchema.shape as unknown as Record<string, z.ZodType>, docComments('infra/config.ts'), 'rectify.'),
    '',
    '## Policy: the SSM parameter `/rectify/policy` (JSON, read at every execution)',
    '',
    'Change it without a deploy: `npx rectify mode set …`, or edit the parameter. An invalid policy fails closed (the execution escalates and changes nothing).',
    '',
    '| Field | Type | Default | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows(PolicySchema.shape as unknown as Record<string, z.ZodType>, docComments('tasks/domain/policy.ts'), ''),
    '',
  ].join('\n');
}
