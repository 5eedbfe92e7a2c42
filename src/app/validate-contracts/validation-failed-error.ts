import { ExitCode, ReadmodelError } from '../../core/errors.js';
import type { ValidateContractsReport } from './report.js';

/**
 * Not a failure of the tool: the report (text, JSON, JUnit or annotations) is already printed and says
 * what is wrong. Marked as reported so the top-level handler only turns it into exit code 1.
 */
export class ValidationFailedError extends ReadmodelError {
  readonly reported = true;
  constructor(readonly report: ValidateContractsReport) {
    super(`${report.summary.violations} contract violation(s) in ${report.summary.failed} check item(s)`, {
      code: 'CONTRACTS_INVALID',
      exitCode: ExitCode.failure,
      context: { failed: report.summary.failed, violations: report.summary.violations },
      suggestion: 'fix the violations listed in the report: each names the file, the JSON pointer and the rule',
    });
  }
}
