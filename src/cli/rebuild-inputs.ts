import type { CliIO } from './cli-io.js';
import type { GlobalFlags } from './connect.js';
import type { ProgressBus } from '../core/progress/progress-events.js';
import { targetOf } from '../core/engines/engine-capabilities.js';

/**
 * What `rebuild` and its pre-flight (`check`, `rebuild --dry-run`) both start from: the offsets asked
 * for (checked before connecting), the resolved configuration and model, the model's assets, and the
 * search sink that identified the engine. The sink is handed on rather than opened again, so the node
 * is asked what it is once per run (the sink keeps the answer); the caller closes it with `closeSink`,
 * which may be called more than once. `progress` is the bus the sink reports retries and throttling
 * to, for the view the caller attaches.
 */
export async function rebuildInputs(
  io: CliIO,
  modelName: string,
  flags: GlobalFlags & { from?: string; fromTime?: string; to?: string },
  progress?: ProgressBus,
) {
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
  const sink = c.sink(progress);
  try {
    const info = await sink.info();
    const engine = targetOf(info.engine, info.version);
    const assets = await loadModelAssets(model, { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT, engine });
    let closing: Promise<void> | undefined;
    const closeSink = () => (closing ??= sink.close());
    return { c, model, assets, start, end, sink, closeSink };
  } catch (err) {
    await sink.close().catch(() => undefined);
    throw err;
  }
}
