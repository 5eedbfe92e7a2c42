import type { DocState } from '../core/projections/projection.js';

/**
 * A bounded least-recently-used map of document states: the fold's working set. Its size bounds the
 * memory of a rebuild whatever the number of events.
 */
export interface DocStateCache {
  get(id: string): DocState | undefined;
  set(id: string, state: DocState): void;
  has(id: string): boolean;
  delete(id: string): void;
  readonly size: number;
  clear(): void;
}

export function createDocStateCache(capacity: number): DocStateCache {
  const map = new Map<string, DocState>();
  return {
    get(id) {
      const s = map.get(id);
      if (s !== undefined) {
        map.delete(id);
        map.set(id, s);
      }
      return s;
    },
    set(id, state) {
      map.delete(id);
      map.set(id, state);
      while (map.size > capacity) {
        const oldest = map.keys().next().value as string;
        map.delete(oldest);
      }
    },
    has: (id) => map.has(id),
    delete: (id) => {
      map.delete(id);
    },
    get size() {
      return map.size;
    },
    clear() {
      map.clear();
    },
  };
}
