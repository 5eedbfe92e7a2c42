import type { EngineKind } from '../../src/core/ports/search-sink.js';
import { workspace } from './cli.js';
import { brokers, nodeFor, uniqueName } from './services.js';

/** A scratch folder whose config points product-search at its own topic, index base and group on one engine. */
export function productWorkspace(engine: EngineKind, prefix = 'e2e') {
  const id = uniqueName(prefix);
  const topic = `product-events-${id}`;
  const indexBase = `ps_${id}`;
  const models = { 'product-search': { topic, indexBase, consumerGroup: `g-${id}` } };
  const cwd = workspace({ kafka: { brokers: brokers() }, search: { engine, node: nodeFor(engine) }, models });
  return { topic, indexBase, alias: `${indexBase}_current`, cwd, models };
}
