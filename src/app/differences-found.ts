import { ExitCode, ReadmodelError } from '../core/errors.js';

/**
 * Not a failure of the tool: the report was printed and the answer is "they differ". Marked as
 * already reported so the top-level handler only sets the exit code.
 */
export class DifferencesFound extends ReadmodelError {
  readonly reported = true;
  constructor(share: number) {
    super(`indices differ (${(share * 100).toFixed(2)}% of documents)`, { code: 'DIFFERENT', exitCode: ExitCode.failure });
  }
}
