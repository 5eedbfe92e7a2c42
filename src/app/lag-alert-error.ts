import { ReadmodelError } from '../core/errors.js';
import type { LagReport, ModelLagReport } from '../core/lag/lag-report.js';
import type { LagStatus } from '../core/lag/lag-window.js';

const SUGGESTIONS: Record<LagReport['status'], string> = {
  OK: '',
  WARN: 'the consumer moves but falls behind: check its throughput and the search engine write latency (or raise --max-lag / --max-time-lag)',
  STALL:
    'the group has members but its offset does not move: check the consumer logs (a record it cannot process? a blocked search engine?)',
  STOP: 'nobody consumes with lag waiting: start or restart the live consumer (readmodel consume <model>)',
  REWIND: 'the committed offset went backwards: someone reset the group, or a consumer restarted from an older position',
  NO_COMMITS: 'the group has never committed: start the live consumer (readmodel consume <model>) or check --group',
  ERR: 'the lag could not be read: check the Kafka brokers and the topic (readmodel config show)',
};

function suggestionFor(m: ModelLagReport | undefined, status: LagStatus): string {
  // A read model problem has its own, more precise remedy.
  if (m?.readModel?.suggestion && m.readModel.status === status) return m.readModel.suggestion;
  return SUGGESTIONS[status].replace('<model>', m?.model ?? '<model>');
}

/**
 * A lag verdict worse than OK, carried to the CLI's error handler so the process exits with the
 * report's code (1 for a finding, 5 / 6 when Kafka / the search engine could not be reached at all).
 * Its JSON form is the report itself, so `--json` prints one document either way.
 */
export class LagAlertError extends ReadmodelError {
  readonly report: LagReport;

  constructor(report: LagReport) {
    const bad = report.models.filter((m) => m.status === report.status);
    const what = bad.map((m) => `${m.model}: ${m.reason}`).join('; ');
    super(`lag status ${report.status}: ${what}`, {
      code: `LAG_${report.status}`,
      exitCode: report.exitCode,
      context: { models: bad.map((m) => `${m.model} (group ${m.group})`).join(', ') },
      suggestion: suggestionFor(bad[0], report.status),
    });
    this.report = report;
  }

  override toJSON(): Record<string, unknown> {
    return { ...this.report };
  }
}
