import { createRequire } from 'node:module';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointLruCache } from '../../../infra/bundling/endpointLruCache.js';
import { MapLruCache } from '../../../infra/bundling/mapLruCache.js';

/** mnemonist's own class, the oracle (CommonJS `module.exports`, which its typings call the default export). */
const LRUCache = createRequire(import.meta.url)('mnemonist/lru-cache') as typeof import('mnemonist/lru-cache.js').default;

/** One call `EndpointCache` makes on its LRU cache. */
type Call = { op: 'get' | 'peek' | 'has'; key: string } | { op: 'set'; key: string; value: number } | { op: 'clear' };

const KEYS = ['a', 'b', 'c', 'd', 'e'] as const;
/** Mostly reads and writes that reach past capacity; `clear` rarely, or the caches are empty too often to differ. */
const callArb: fc.Arbitrary<Call> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('peek' as const, 'has' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value: fc.integer() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
);

/** What each call answers, and what the cache holds after it, in recency order as far as `has` and `peek` show it. */
function run(cache: { get(k: string): unknown; peek(k: string): unknown; has(k: string): boolean; set(k: string, v: number): unknown; clear(): void; size: number }, calls: readonly Call[]) {
  return calls.map((call) => {
    const answer = call.op === 'set' ? (cache.set(call.key, call.value), undefined) : call.op === 'clear' ? cache.clear() : cache[call.op](call.key);
    return { answer, size: cache.size, held: KEYS.map((k) => cache.has(k)) };
  });
}

describe('the endpoint cache LRU bundled in place of mnemonist (infra/bundling/mapLruCache.ts)', () => {
  it('answers every call sequence as mnemonist LRUCache does, at any capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(callArb, { minLength: 5, maxLength: 80 }), (capacity, calls) => {
        expect(run(new MapLruCache<string, number>(capacity), calls)).toEqual(run(new LRUCache<string, number>(capacity), calls));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a capacity that is not a positive integer, as mnemonist does', () => {
    expect(() => new MapLruCache(0)).toThrow(/capacity/);
    expect(() => new LRUCache(0)).toThrow(/capacity/);
  });

  it("replaces mnemonist in the SDK's endpoint cache only, when bundling", async () => {
    // Act
    const { metafile } = await build({
      stdin: { contents: 'export { EndpointCache } from "@aws-sdk/endpoint-cache"; export { default as Other } from "mnemonist/lru-cache.js";', resolveDir: process.cwd() },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      metafile: true,
      plugins: [endpointLruCache()],
      logLevel: 'silent',
    });
    // Assess: the endpoint cache takes the Map one; a direct import elsewhere keeps mnemonist
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('infra/bundling/mapLruCache.ts');
    expect(inputs.filter((i) => i.includes('mnemonist/lru-cache'))).toHaveLength(1);
  });
});
