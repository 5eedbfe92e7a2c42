import type { CliIO } from './cli-io.js';
import type { GlobalFlags } from './connect.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { targetOf } from '../core/engines/engine-capabilities.js';

/**
 * What `rebuild` and its pre-flight (`check`, `rebuild --dry-run`) both start from: the offsets asked
 * for (checked before connecting), the resolved configuration and model, and the model's assets.
 */
export async function rebuildInputs(io: CliIO, modelName: string, flags: GlobalFlags & { from?: string; fromTime?: string; to?: string }) {
  const { connect } = await import('./connect.js');
  const { loadModelAssets } = await import('../app/model-assets.js');
  const { parseStartSpec, parseEndSpec } = await import('../core/rebuild/offset-plan.js');
  const { PACKAGE_ROOT } = await import('../config/load-config.js');
  const start = parseStartSpec(flags.from, flags.fromTime);
  const end = parseEndSpec(flags.to);
  const c = await connect(io, flags);
  const model = await c.model(modelName);
  // Kafka's configuration is checked first, as the commands always have; then the node is asked what
  // engine and major it is, which picks the mapping (and so the build hash and index name).
  c.kafka();
  const engine = await detectEngine(c.sink());
  const assets = await loadModelAssets(model, { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT, engine });
  return { c, model, assets, start, end };
}

/** The engine and major the node reports (checked against search.engine): it picks the model's mapping. */
async function detectEngine(sink: SearchSink) {
  try {
    const info = await sink.info();
    return targetOf(info.engine, info.version);
  } finally {
    await sink.close();
  }
}
