import { describe, expect, it } from 'vitest';
import { AbortedError, SandboxError } from '../../src/core/errors.js';
import { assertPortsFree, PORT_IN_USE } from '../../src/sandbox/ports-free.js';
import type { SandboxOptions } from '../../src/sandbox/types.js';

const options = (signal?: AbortSignal) =>
  ({
    ports: {
      kafka: { port: 39092, internalPort: 39093 },
      opensearch: { port: 39200, internalPort: 39300 },
      elasticsearch: { port: 19201, internalPort: 19301 },
    },
    env: {},
    stateDir: '/s',
    signal,
  }) as Pick<SandboxOptions, 'ports' | 'env' | 'stateDir' | 'signal'>;

/**
 * A fake clock: sleep advances it. The held port frees itself after `freeAfterMs`; from `listenAfterMs`
 * on, something listens on it.
 */
function world(o: { held: number; freeAfterMs: number; listenAfterMs?: number; owner?: string; onSleep?: () => void }) {
  let now = 0;
  const lines: string[] = [];
  return {
    lines,
    deps: {
      isFree: async (p: number) => p !== o.held || now >= o.freeAfterMs,
      listens: async (p: number) => p === o.held && o.listenAfterMs !== undefined && now >= o.listenAfterMs,
      owner: async (p: number) => (p === o.held ? o.owner : undefined),
      ephemeralRange: async () => [32768, 60999] as [number, number],
      sleep: async (ms: number) => {
        now += ms;
        o.onSleep?.();
      },
      say: (l: string) => lines.push(l),
      holdMs: 5000,
    },
    clock: () => now,
  };
}

async function failure(p: Promise<void>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
}

describe('assertPortsFree: a port we need that something else holds', () => {
  it('a port held by a connection (nothing listens) that closes is waited out, and the wait is said', async () => {
    const w = world({ held: 39200, freeAfterMs: 3000 });
    await assertPortsFree(options(), 'opensearch', w.deps);
    expect(w.clock()).toBe(3000);
    expect(w.lines).toEqual([expect.stringContaining('port 39200 is taken but nothing listens on it')]);
  });

  it('a connection that outlasts the wait is refused as a connection, naming the ephemeral range and a port below it', async () => {
    const w = world({ held: 39300, freeAfterMs: 1e9 });
    const e = (await failure(assertPortsFree(options(), 'opensearch', w.deps))) as SandboxError;
    expect(e).toBeInstanceOf(SandboxError);
    expect(e.code).toBe(PORT_IN_USE);
    expect(e.message).toContain('transport port 39300');
    expect(e.message).toContain('by a connection');
    expect(e.context).toMatchObject({ port: 39300, ephemeralRange: '32768-60999' });
    expect(e.suggestion).toContain('choose a port below 32768');
    expect(w.clock()).toBe(5000);
  });

  it('a listener is refused at once, named, without waiting, and below the range without the ephemeral advice', async () => {
    const w = world({ held: 19201, freeAfterMs: 1e9, listenAfterMs: 0, owner: 'java (pid 7): java -Xmx1g' });
    const e = (await failure(assertPortsFree(options(), 'elasticsearch', w.deps))) as SandboxError;
    expect(w.clock()).toBe(0);
    expect(w.lines).toEqual([]);
    expect(e.message).toContain('by a process this sandbox did not start');
    expect(e.context).toMatchObject({ heldBy: 'java (pid 7): java -Xmx1g', port: 19201 });
    expect(e.context).not.toHaveProperty('ephemeralRange');
    expect(e.suggestion).toContain('--elasticsearch-port');
    expect(e.suggestion).not.toContain('ephemeral');
  });

  it('a listener whose owner cannot be named (another user, no ss) is still refused at once', async () => {
    const w = world({ held: 19201, freeAfterMs: 1e9, listenAfterMs: 0 });
    const e = (await failure(assertPortsFree(options(), 'elasticsearch', w.deps))) as SandboxError;
    expect(w.clock()).toBe(0);
    expect(e.context).toMatchObject({ heldBy: expect.stringContaining('unknown') });
  });

  it('a listener that appears during the wait is refused as soon as it is seen', async () => {
    const w = world({ held: 39092, freeAfterMs: 1e9, listenAfterMs: 2000, owner: 'nc (pid 9)' });
    const e = (await failure(assertPortsFree(options(), 'kafka', w.deps))) as SandboxError;
    expect(w.clock()).toBe(2000);
    expect(e.context).toMatchObject({ heldBy: 'nc (pid 9)' });
  });

  it('an abort ends the wait with the aborted error', async () => {
    const ac = new AbortController();
    const w = world({ held: 39092, freeAfterMs: 1e9, onSleep: () => ac.abort() });
    const e = await failure(assertPortsFree(options(ac.signal), 'kafka', w.deps));
    expect(e).toBeInstanceOf(AbortedError);
    expect(w.clock()).toBe(1000);
  });
});

describe('acceptsConnections: whether something listens on a loopback port', () => {
  it('is true while a server listens and false once it closed', async () => {
    const { createServer } = await import('node:net');
    const { acceptsConnections } = await import('../../src/sandbox/probe.js');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    expect(await acceptsConnections(port)).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await acceptsConnections(port)).toBe(false);
  });
});
