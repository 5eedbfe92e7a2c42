import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { productWorkspace } from '../support/product-workspace.js';
import { publishEvents, sinkFor } from '../support/services.js';
import { readFixtureEvents } from '../support/contracts.js';

/**
 * `rebuild --to X --swap` is refused: the cutover catches up to the live end of the topic (so the live
 * consumer loses nothing after the swap), which would read past --to. The refusal comes before any
 * index, lease or alias is touched.
 */
describe('rebuild --to with --swap (the built binary, real services)', () => {
  const sink = sinkFor('opensearch');
  afterAll(() => sink.close());

  it('is a usage error (exit 2) that says why and what to do, and changes nothing', async () => {
    const w = productWorkspace('opensearch', 'toswap');
    await publishEvents(w.topic, 2, readFixtureEvents());

    for (const extra of [[], ['--dry-run']]) {
      const r = await runCli(['rebuild', 'product-search', '--to', '0:5,1:5', '--swap', ...extra], { cwd: w.cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('error[TO_WITH_SWAP]: --to and --swap cannot be combined');
      expect(r.stderr).toContain('readmodel rebuild product-search --to 0:5,1:5');
      expect(r.stderr).toContain('readmodel alias swap product-search --to <index>');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const json = await runCli(['rebuild', 'product-search', '--to', '0:5,1:5', '--swap', '--json'], { cwd: w.cwd });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'TO_WITH_SWAP', exitCode: 2, context: { to: '0:5,1:5' } });

    expect(await sink.listIndices(`${w.indexBase}_v*`)).toEqual([]);
    expect(await sink.aliasTargets(w.alias)).toEqual([]);

    // What the suggestion says works: the bounded build, then the swap.
    const built = await runCli(['rebuild', 'product-search', '--to', '0:5,1:5', '--json'], { cwd: w.cwd });
    expect(built.code, built.stderr).toBe(0);
    const { manifest } = JSON.parse(built.stdout);
    expect(manifest.counts.eventsRead).toBe(10);
    const swap = await runCli(['alias', 'swap', 'product-search', '--to', manifest.index, '--override-gates'], { cwd: w.cwd });
    expect(swap.code, swap.stderr).toBe(0);
    expect(await sink.aliasTargets(w.alias)).toEqual([manifest.index]);
  });
});
