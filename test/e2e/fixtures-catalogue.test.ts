import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ENGINES } from '../support/services.js';
import { productWorkspace } from '../support/product-workspace.js';

const setup = (engine: (typeof ENGINES)[number]) => productWorkspace(engine);

describe.each(ENGINES)('fixtures publish --catalogue long-lived, then rebuild, on %s', (engine) => {
  it('publishes the long-lived catalogue; tiny --batch-size/--cache-size rebuild the same documents as the defaults', async () => {
    const w = setup(engine);
    const pub = await runCli(
      ['fixtures', 'publish', 'product-search', '--count', '60', '--catalogue', 'long-lived', '--updates', '300', '--json'],
      { cwd: w.cwd },
    );
    expect(pub.code, pub.stderr).toBe(0);
    const published = JSON.parse(pub.stdout);
    const recent = await runCli(['fixtures', 'publish', 'product-search', '--count', '60', '--topic', `${w.topic}-recent`, '--json'], {
      cwd: w.cwd,
    });
    expect(published.events - JSON.parse(recent.stdout).events).toBe(300);

    const base = await runCli(['rebuild', 'product-search', '--json', '--replicas', '0'], { cwd: w.cwd });
    expect(base.code, base.stderr).toBe(0);
    const tiny = await runCli(
      ['rebuild', 'product-search', '--json', '--replicas', '0', '--force', '--batch-size', '7', '--cache-size', '3'],
      { cwd: w.cwd },
    );
    expect(tiny.code, tiny.stderr).toBe(0);
    const a = JSON.parse(base.stdout).manifest;
    const b = JSON.parse(tiny.stdout).manifest;
    expect(b.counts.eventsRead).toBe(published.events);
    expect(b.counts.documents).toBe(a.counts.documents);
    expect(b.checksum).toBe(a.checksum);
  });

  it('refuses an unknown catalogue and --updates without the long-lived catalogue (exit 2)', async () => {
    const w = setup(engine);
    const bad = await runCli(['fixtures', 'publish', 'product-search', '--catalogue', 'forever', '--json'], { cwd: w.cwd });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: 'USAGE', message: expect.stringContaining('forever') });
    const updates = await runCli(['fixtures', 'publish', 'product-search', '--updates', '10', '--json'], { cwd: w.cwd });
    expect(updates.code).toBe(2);
    const order = await runCli(['fixtures', 'publish', 'order-history', '--catalogue', 'long-lived', '--json'], { cwd: w.cwd });
    expect(order.code).toBe(2);
  });
});
