/**
 * The LRU cache the AWS SDK's endpoint-discovery cache (`@aws-sdk/endpoint-cache`, constructed by
 * every DynamoDB client whether discovery is on or not) takes from `mnemonist`: a `Map` keeps
 * insertion order, which is all a least-recently-used cache of a few entries needs. Written here,
 * not taken from a library, for size only: `mnemonist/lru-cache` brings typed arrays, iterators and
 * `obliterator` (~7 KB minified) onto the cold start of every function that uses DynamoDB
 * (docs/decisions/019). It implements exactly what `EndpointCache` calls — `get`, `set`, `has`,
 * `peek`, `clear` — and test/infra/bundling/endpointLruCache.test.ts holds it to mnemonist's
 * behaviour on random sequences of those calls.
 */
export class MapLruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error('LRUCache: capacity should be positive number.');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, and the key becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Set the key as the most recently used; past capacity, the least recently used one goes. */
  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** `EndpointCache` imports mnemonist's class as the default export. */
export default MapLruCache;
