import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as securityHub from '@aws-sdk/client-securityhub';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { documentUnreadShapes, UNREAD_SHAPES } from '../../../infra/bundling/unreadShapes.js';

/**
 * The bundles describe these Security Hub shapes as JSON documents (infra/bundling/unreadShapes.ts).
 * That is only the same as the model when the model would copy the same JSON: no member anywhere
 * beneath them is a timestamp or a blob (which the model converts) or has a JSON name other than
 * its own (which the model renames). These tests walk the SDK's own model to show it.
 */
const shapes = UNREAD_SHAPES['@aws-sdk/client-securityhub']!;
const model = securityHub as unknown as Record<string, unknown>;

/** Every member beneath a shape, with its path, as the SDK's schema code reads it. */
function* membersBeneath(shape: NormalizedSchema, path: string, seen: Set<unknown>): Generator<{ path: string; schema: NormalizedSchema }> {
  if (seen.has(shape.getSchema())) return;
  seen.add(shape.getSchema());
  if (shape.isStructSchema() || shape.isUnionSchema()) {
    for (const [name, member] of shape.structIterator()) {
      yield { path: `${path}.${name}`, schema: member };
      yield* membersBeneath(member, `${path}.${name}`, seen);
    }
  } else if (shape.isListSchema()) {
    yield* membersBeneath(shape.getValueSchema(), `${path}[]`, seen);
  } else if (shape.isMapSchema()) {
    yield* membersBeneath(shape.getValueSchema(), `${path}{}`, seen);
  }
}

describe('Security Hub shapes bundled as documents', () => {
  it.each(shapes)('%s: nothing beneath it is a timestamp, a blob or renamed, so a document carries the same JSON', (name) => {
    // Prepare
    const schema = model[`${name}$`];
    expect(schema, `${name} is not in the SDK's model`).toBeDefined();

    // Act
    const members = [...membersBeneath(NormalizedSchema.of(schema as never), name, new Set())];
    const converted = members.filter(({ schema: m }) => m.isTimestampSchema() || m.isBlobSchema() || m.isStreaming()).map((m) => m.path);
    const renamed = members.filter(({ schema: m }) => {
      const jsonName = m.getMergedTraits().jsonName;
      return jsonName !== undefined && jsonName !== m.getMemberName();
    });

    // Assess: the walk reached the shape's members, and none is converted or renamed
    expect(members.length).toBeGreaterThan(0);
    expect(converted).toEqual([]);
    expect(renamed.map((m) => m.path)).toEqual([]);
  });

  it('finds a timestamp where the model has one (the walk can fail)', () => {
    // Act: a Security Hub shape with two timestamp members
    const withTimestamp = [...membersBeneath(NormalizedSchema.of(model['GetFindingHistoryRequest$'] as never), 'GetFindingHistoryRequest', new Set())];

    // Assess
    expect(withTimestamp.filter(({ schema }) => schema.isTimestampSchema()).map((m) => m.path)).toEqual(['GetFindingHistoryRequest.StartTime', 'GetFindingHistoryRequest.EndTime']);
  });

  it('rewrites every reference to each listed shape in the schema module the bundles load', () => {
    // Prepare
    const require = createRequire(import.meta.url);
    const schemaModule = require.resolve('@aws-sdk/client-securityhub').replace(/dist-cjs[\\/]index\.js$/, 'dist-es/schemas/schemas_0.js');
    const source = readFileSync(schemaModule, 'utf8');

    // Act
    const { source: rewritten, rewritten: counts } = documentUnreadShapes(source, shapes);

    // Assess: each shape was referenced and no reference is left
    for (const shape of shapes) {
      expect(counts.get(shape), shape).toBeGreaterThan(0);
      expect(rewritten).not.toMatch(new RegExp(`\\(\\) => ${shape}\\$(?![\\w$])`));
    }
  });
});
