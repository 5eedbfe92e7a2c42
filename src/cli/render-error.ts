import { ExitCode, isReadmodelError } from '../core/errors.js';
import type { CliIO } from './cli-io.js';
import { redact } from '../config/redact.js';

/**
 * The one place errors become output. User-facing errors never show a stack; anything else is a bug
 * in readmodel and is shown in full so it can be reported.
 */
export function renderError(err: unknown, io: CliIO, json: boolean): number {
  if (isReadmodelError(err)) {
    // The command already printed its report; the error only carries the exit code.
    if ((err as { reported?: boolean }).reported) return err.exitCode;
    // Error contexts can carry URLs and config values: never let a secret through.
    if (json) {
      io.stdout.write(`${JSON.stringify(redact(err.toJSON()), null, 2)}\n`);
    } else {
      const lines = [`error[${err.code}]: ${redact(err.message)}`];
      for (const [k, v] of Object.entries(redact(err.context))) {
        if (v === undefined) continue;
        lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      }
      if (err.suggestion) lines.push(`  what to do: ${err.suggestion}`);
      io.stderr.write(`${lines.join('\n')}\n`);
    }
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: 'INTERNAL', message: e.message, exitCode: ExitCode.internal, stack: e.stack }, null, 2)}\n`);
  } else {
    io.stderr.write(`internal error (a bug in readmodel, please report it): ${e.stack ?? e.message}\n`);
  }
  return ExitCode.internal;
}
