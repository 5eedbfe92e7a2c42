import type { PreflightReport } from '../../app/run-preflight.js';
// Pure formatting from core: it loads no client, so --help stays fast.
import { basisText, describeGap, humanMs } from '../../core/rebuild/history-check.js';

/** The human report of a pre-flight (`check`, `rebuild --dry-run`): per partition, retention, target, verdict. */
export function preflightText(r: PreflightReport): string {
  const h = r.history;
  const rows = [['partition', 'log start', 'needed', 'start', 'end', 'events', 'history']];
  for (const p of h.partitions) {
    rows.push([
      String(p.partition),
      String(p.logStart),
      String(p.needed),
      String(p.start),
      String(p.end),
      String(p.events),
      p.missing > 0 ? `MISSING ${p.missing} (offsets ${p.needed}..${p.logStart - 1})` : 'ok',
    ]);
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
  else if (r.acknowledged)
    lines.push(
      `verdict: history missing, acknowledged (--allow-truncated-history): a rebuild would run, record the gap, and the swap gates would refuse it`,
      ...h.gaps.map((g) => `  - ${describeGap(g)}`),
    );
  else
    lines.push(
      `verdict: REFUSED (exit 12): history missing`,
      ...h.gaps.map((g) => `  - ${describeGap(g)}`),
      '  --allow-truncated-history builds anyway; the manifest records the gap and the swap gates refuse the build',
    );
  return `${lines.join('\n')}\n`;
}
