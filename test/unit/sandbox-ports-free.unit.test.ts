import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../src/core/errors.js';
import { assertPortsFree, PORT_IN_USE } from '../../src/sandbox/ports-free.js';
import type { SandboxOptions } from '../../src/sandbox/types.js';

const options = {
  ports: {
    kafka: { port: 39092, internalPort: 39093 },
    opensearch: { port: 39200, internalPort: 39300 },
    elasticsearch: { port: 19201, internalPort: 19301 },
  },
  env: {},
  stateDir: '/s',
} as Pick<SandboxOptions, 'ports' | 'env' | 'stateDir'>;

/** A fake clock: sleep advances it, and the port frees itself once `freeAfterMs` have passed. */
function world(o: { held: number; freeAfterMs: number; listener?: string }) {
  let now = 0;
  const lines: string[] = [];
  return {
    lines,
    deps: {
      isFree: async (p: number) => p !== o.held || now >= o.freeAfterMs,
      owner: async (p: number) => (p === o.held ? o.listener : undefined),
      ephemeralRange: async () => [32768, 60999] as [number, number],
      sleep: async (ms: number) => {
        now += ms;
      },
      say: (l: string) => lines.push(l),
      holdMs: 5000,
    },
    clock: () => now,
  };
}

async function refusal(p: Promise<void>): Promise<SandboxError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return err as SandboxError;
}

describe('assertPortsFree: a port we need that something else holds', () => {
  it('a port held by a connection (no listener) that closes is waited out, and the wait is said', async () => {
    const w = world({ held: 39200, freeAfterMs: 3000 });
    await assertPortsFree(options, 'opensearch', w.deps);
    expect(w.clock()).toBe(3000);
    expect(w.lines).toEqual([expect.stringContaining('port 39200 is held but nothing listens on it')]);
  });

  it('a connection that outlasts the wait is refused, naming the ephemeral range and a port below it', async () => {
    const w = world({ held: 39300, freeAfterMs: 1e9 });
    const e = await refusal(assertPortsFree(options, 'opensearch', w.deps));
    expect(e.code).toBe(PORT_IN_USE);
    expect(e.message).toContain('transport port 39300');
    expect(e.context).toMatchObject({ port: 39300, ephemeralRange: '32768-60999' });
    expect(e.suggestion).toContain('choose a port below 32768');
    expect(w.clock()).toBeGreaterThanOrEqual(5000);
  });

  it('a listening process is refused at once, named, without waiting and without the ephemeral advice below the range', async () => {
    const w = world({ held: 19201, freeAfterMs: 0, listener: 'java (pid 7): java -Xmx1g' });
    w.deps.isFree = async (p: number) => p !== 19201;
    const e = await refusal(assertPortsFree(options, 'elasticsearch', w.deps));
    expect(w.clock()).toBe(0);
    expect(e.context).toMatchObject({ heldBy: 'java (pid 7): java -Xmx1g', port: 19201 });
    expect(e.context).not.toHaveProperty('ephemeralRange');
    expect(e.suggestion).toContain('--elasticsearch-port');
    expect(e.suggestion).not.toContain('ephemeral');
  });
});
