import { Command } from 'commander';
import type { PreflightReport } from '../../app/run-preflight.js';
// Pure formatting from core: it loads no client, so --help stays fast.
import { basisText, describeGap, humanMs } from '../../core/rebuild/history-check.js';
import type { CliIO } from '../cli-io.js';
import { writeJson } from '../cli-io.js';
import { behaveLikeProgram, topicNameOption, withConnectionOptions } from '../command-kit.js';
import type { GlobalFlags } from '../connect.js';

export interface PreflightFlags extends GlobalFlags {
  from?: string;
  fromTime?: string;
  to?: string;
  topic?: string;
  allowTruncatedHistory?: boolean;
}

/**
 * The pre-flight of a rebuild, read-only: shared by `readmodel check` and `rebuild --dry-run`.
 * Prints the report, then ends with exit 12 (already reported) when the rebuild would refuse.
 */
export async function runPreflightCommand(io: CliIO, modelName: string, flags: PreflightFlags): Promise<void> {
  const { connect } = await import('../connect.js');
  const { runPreflight } = await import('../../app/run-preflight.js');
  const { loadModelAssets } = await import('../../app/model-assets.js');
  const { parseStartSpec, parseEndSpec } = await import('../../core/rebuild/offset-plan.js');
  const { PACKAGE_ROOT } = await import('../../config/load-config.js');
  const { truncatedHistoryError } = await import('../../core/rebuild/history-check.js');
  const c = await connect(io, flags);
  const model = await c.model(modelName);
  const start = parseStartSpec(flags.from, flags.fromTime);
  const end = parseEndSpec(flags.to);
  const assets = await loadModelAssets(model, { contractsDir: c.config.contractsDir, packageRoot: PACKAGE_ROOT });
  const source = c.source();
  const sink = c.sink();
  try {
    // A few quick reads: no progress view, the report is the output.
    const report = await runPreflight(
      { assets, start, end, ...(flags.topic ? { topic: flags.topic } : {}), ...(flags.allowTruncatedHistory ? { allowTruncatedHistory: true } : {}) },
      { source, sink },
    );
    if (flags.json) writeJson(io, report);
    else io.stdout.write(preflightText(report));
    if (!report.wouldRun) throw Object.assign(truncatedHistoryError(report.history, report.model), { reported: true });
  } finally {
    await Promise.allSettled([sink.close(), source.close()]);
  }
}

export function preflightText(r: PreflightReport): string {
  const h = r.history;
  const rows = [['partition', 'log start', 'needed', 'start', 'end', 'events', 'history']];
  for (const p of h.partitions) {
    rows.push([String(p.partition), String(p.logStart), String(p.needed), String(p.start), String(p.end), String(p.events), p.missing > 0 ? `MISSING ${p.missing} (offsets ${p.needed}..${p.logStart - 1})` : 'ok']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map((row) => `  ${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  const t = r.target;
  const targetLine =
    t.status === 'absent'
      ? 'does not exist (a rebuild creates it)'
      : t.status === 'complete'
        ? `exists, complete${t.sameInputs ? ' with these offsets (a rebuild reports "already built" unless --force)' : ' with other offsets'}${t.live ? ', LIVE behind the alias' : ''}`
        : t.status === 'building'
          ? `exists, incomplete (status building)${t.live ? ', LIVE behind the alias' : ''}`
          : t.status === 'other-model'
            ? `exists, built for another read model (${t.builtFor})`
            : 'exists without a readmodel manifest';
  const ret = h.retention;
  const lines = [
    `pre-flight of ${r.model}: topic "${r.topic}", ${h.partitions.length} partition(s)`,
    ...table,
    `events to read: ${h.eventsToRead}`,
    `history needed from: ${basisText(h)}`,
    `retention: cleanup.policy=${ret.cleanupPolicy} retention.ms=${ret.retentionMs} (${humanMs(ret.retentionMs)}) retention.bytes=${ret.retentionBytes}${ret.retentionBytes < 0 ? ' (unlimited)' : ''}`,
    ret.keepsFullHistory ? '  the topic keeps every event: it can serve full rebuilds' : '  the topic cannot serve full rebuilds for ever:',
    ...ret.reasons.map((x) => `    - ${x}`),
    ...h.warnings.map((w) => `warning: ${w}`),
    `alias ${r.alias.name} -> ${r.alias.targets.join(', ') || '(not set)'}`,
    `target ${t.index}: ${targetLine}`,
  ];
  if (h.gaps.length === 0) lines.push('verdict: OK, a rebuild would run');
  else if (r.acknowledged) lines.push(`verdict: history missing, acknowledged (--allow-truncated-history): a rebuild would run, record the gap, and the swap gates would refuse it`, ...h.gaps.map((g) => `  - ${describeGap(g)}`));
  else lines.push(`verdict: REFUSED (exit 12): history missing`, ...h.gaps.map((g) => `  - ${describeGap(g)}`), '  --allow-truncated-history builds anyway; the manifest records the gap and the swap gates refuse the build');
  return `${lines.join('\n')}\n`;
}

export function withPreflightOptions(cmd: Command): Command {
  return cmd
    .option('--from <offsets>', 'start offsets: "earliest" (default) or partition:offset pairs, e.g. 0:120,1:98')
    .option('--from-time <iso>', 'start at the first event at or after this time, per partition')
    .option('--to <offsets>', 'end offsets (exclusive): the snapshot at start (default) or partition:offset pairs')
    .option('--topic <name>', "source topic (default: the model's)", topicNameOption('--topic'))
    .option('--allow-truncated-history', 'acknowledge that Kafka lost history the model needs: build anyway, record the gap in the manifest (the swap gates then refuse the build)');
}

export function checkCommand(io: CliIO): Command {
  const cmd = withConnectionOptions(
    withPreflightOptions(
      new Command('check')
        .description(
          "Pre-flight of a rebuild, without building: offsets per partition, events to read, whether Kafka still holds the history the model needs, the topic's retention and compaction, the alias and the target index.",
        )
        .argument('<model>', 'read model, e.g. product-search'),
    ),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 a rebuild would run, 12 history missing (a rebuild would refuse), 2 usage, 3 config,
5 Kafka unavailable, 6 search engine unavailable.

Examples:
  readmodel check product-search
  readmodel check product-search --json
`,
    )
    .action((modelName: string, flags: PreflightFlags) => runPreflightCommand(io, modelName, flags));
  return behaveLikeProgram(cmd, io);
}
