import { ExitCode } from '../errors.js';
import type { LagExitCode, ModelLagReport } from './lag-report.js';

/**
 * The exit codes of `readmodel lag`, within the tool's one table: 0 when every partition and every
 * read model is OK; 5 / 6 only when Kafka / the search engine could not be reached at all (no model
 * could be read); 1 for any other finding (WARN, STALL, STOP, REWIND, NO_COMMITS, ERR), with the
 * report printed. 2 stays the usage code.
 */
export function lagExitCode(models: readonly Pick<ModelLagReport, 'status' | 'error' | 'readModel'>[]): LagExitCode {
  if (models.length > 0) {
    // A missing topic is a finding about one model, not Kafka being out of reach.
    if (models.every((m) => m.error?.exitCode === ExitCode.sourceUnavailable && m.error.code !== 'TOPIC_NOT_FOUND'))
      return ExitCode.sourceUnavailable;
    if (models.every((m) => m.readModel?.problem === 'ENGINE_UNREACHABLE')) return ExitCode.sinkUnavailable;
  }
  return models.every((m) => m.status === 'OK') ? ExitCode.ok : ExitCode.failure;
}
