import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/contracts.js';
import { runCli, workspace } from '../support/cli.js';
import { brokers, nodeFor, uniqueName } from '../support/services.js';

describe('a read model registered purely by config', () => {
  it('loads a model module named in the config; fixtures, rebuild and alias work for it', async () => {
    const id = uniqueName('custom');
    const cwd = workspace({
      kafka: { brokers: brokers() },
      search: { engine: 'opensearch', node: nodeFor('opensearch') },
      models: { 'customer-orders': { module: './customer-orders.mjs', topic: `orders-${id}`, indexBase: `co_${id}` } },
    });
    // The module lives outside readmodel: it reuses a shipped projection under a new name and mapping path.
    writeFileSync(
      path.join(cwd, 'customer-orders.mjs'),
      `import { orderHistoryModel } from ${JSON.stringify(path.join(ROOT, 'dist/core/read-models/order-history/model.js'))};
export default { ...orderHistoryModel, mappingFile: ${JSON.stringify(path.join(ROOT, 'mappings/order_history.v1.json'))} };
`,
    );
    const pub = await runCli(['fixtures', 'publish', 'customer-orders', '--count', '15', '--json'], { cwd });
    expect(pub.code, pub.stderr).toBe(0);
    const rb = await runCli(['rebuild', 'customer-orders', '--swap', '--json', '--replicas', '0'], { cwd });
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    const out = JSON.parse(rb.stdout);
    expect(out.manifest).toMatchObject({ model: 'customer-orders', status: 'complete', counts: { documents: 15 } });
    expect(out.swap).toMatchObject({ alias: `co_${id}_current` });
    const show = await runCli(['alias', 'show', 'customer-orders', '--json'], { cwd });
    expect(JSON.parse(show.stdout)).toMatchObject({ model: 'customer-orders', targets: [out.manifest.index] });
  });

  it('a module that exports no read model is a config error naming the key', async () => {
    const cwd = workspace({ kafka: { brokers: ['127.0.0.1:1'] }, models: { broken: { module: './broken.mjs' } } });
    writeFileSync(path.join(cwd, 'broken.mjs'), 'export const nothing = 1;\n');
    const r = await runCli(['rebuild', 'broken', '--json'], { cwd });
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'CONFIG', context: { key: 'models.broken.module' } });
  });
});
