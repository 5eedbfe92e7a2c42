import { LEASE_INDEX } from '../../src/app/lease-store.js';
import type { EventSource } from '../../src/core/ports/event-source.js';
import type { SearchSink } from '../../src/core/ports/search-sink.js';
import { kafkaSource } from './services.js';

type Call = { method: string | symbol; args: readonly unknown[] };

/**
 * A sink on which the process "dies": from the call `fatal` names on (that call fails too), or right
 * after a call `diesAfter` names has succeeded, every call fails but the lease's (a dead process's
 * lease is taken over, so the next run may start). Writes already sent still land: `settled()`
 * waits for them. `scans` counts full index scans.
 */
export function dyingSink(sink: SearchSink, o: { fatal?: (c: Call) => boolean; diesAfter?: (c: Call) => boolean }) {
  let dead = false;
  let scans = 0;
  const inFlight = new Set<Promise<unknown>>();
  const proxy = new Proxy(sink, {
    get(target, method) {
      const v = Reflect.get(target, method) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const call = { method, args };
        if (method === 'scan') scans++;
        if (o.fatal?.(call)) dead = true;
        if (dead && method !== 'close' && args[0] !== LEASE_INDEX) {
          return method === 'scan' ? failingScan() : Promise.reject(new Error('simulated crash'));
        }
        const out = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) {
          const p: Promise<unknown> = o.diesAfter
            ? out.then((r: unknown) => {
                if (o.diesAfter!(call)) dead = true;
                return r;
              })
            : out;
          inFlight.add(p);
          void p.catch(() => undefined).finally(() => inFlight.delete(p));
          return p;
        }
        return out;
      };
    },
  });
  return {
    sink: proxy,
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    get scans() {
      return scans;
    },
  };
}

// eslint-disable-next-line require-yield
async function* failingScan(): AsyncGenerator<never> {
  throw new Error('simulated crash');
}

/**
 * A source that dies (like a killed process) once it handed out `limit` records, in slices of 50,
 * counted over every read (a rebuild reads its partitions one after another).
 */
export function dyingSource(limit: number): EventSource {
  const inner = kafkaSource();
  let handed = 0;
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'readRanges') {
        return async function* (o: Parameters<EventSource['readRanges']>[0]) {
          for await (const chunk of target.readRanges(o)) {
            for (let i = 0; i < chunk.length; i += 50) {
              if (handed >= limit) throw new Error('simulated crash mid-replay');
              const slice = chunk.slice(i, i + 50);
              handed += slice.length;
              yield slice;
            }
          }
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
