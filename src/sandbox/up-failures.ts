import { SandboxError, isReadmodelError } from '../core/errors.js';
import { PORT_IN_USE } from './ports-free.js';
import type { ServiceName, ServiceUpResult } from './types.js';

export interface FailedService {
  service: ServiceName;
  error: unknown;
}

/**
 * The one error for an `up` in which some services failed: the failure itself when one did (plus what
 * still runs), else one line per failed service with its log, and every distinct suggestion.
 */
export function upFailureError(failed: readonly FailedService[], running: readonly ServiceUpResult[]): unknown {
  const first = failed[0] as FailedService;
  const stillRunning = running.map((r) => `${r.service} (${r.endpoint})`);
  if (failed.length === 1) {
    const e = first.error;
    if (!isReadmodelError(e)) return e;
    return new SandboxError(e.message, {
      code: e.code,
      context: { ...e.context, ...(stillRunning.length > 0 ? { stillRunning: stillRunning.join(', ') } : {}) },
      suggestion: e.suggestion,
      cause: e,
    });
  }
  const context: Record<string, unknown> = {};
  const suggestions: string[] = [];
  for (const f of failed) {
    const e = f.error;
    const message = e instanceof Error ? e.message.replace(new RegExp(`^${f.service}: `), '') : String(e);
    const held = isReadmodelError(e) && typeof e.context.heldBy === 'string' ? ` (held by ${e.context.heldBy})` : '';
    const log = isReadmodelError(e) && typeof e.context.log === 'string' ? ` (log: ${e.context.log})` : '';
    const output =
      isReadmodelError(e) && typeof e.context.output === 'string' && e.context.output !== '' ? `: ${e.context.output.split('\n')[0]}` : '';
    context[f.service as string] = `${message}${output}${held}${log}`;
    if (isReadmodelError(e) && e.suggestion && !suggestions.includes(e.suggestion)) suggestions.push(e.suggestion);
  }
  if (stillRunning.length > 0) context.stillRunning = stillRunning.join(', ');
  return new SandboxError(`${failed.length} sandbox services failed to start: ${failed.map((f) => f.service).join(', ')}`, {
    code: failed.every((f) => isReadmodelError(f.error) && f.error.code === PORT_IN_USE) ? PORT_IN_USE : undefined,
    context,
    suggestion: suggestions.length > 0 ? suggestions.join('; ') : undefined,
    cause: first.error,
  });
}

/** fs/system failures (EACCES, ENOSPC, ...) are the operator's to fix, not bugs: name the service. */
export function systemFailure(service: ServiceName, err: unknown, root: boolean): unknown {
  if (isReadmodelError(err) || !(err instanceof Error)) return err;
  const errno = err as NodeJS.ErrnoException;
  return new SandboxError(`${service}: ${err.message}`, {
    context: { service, ...(errno.code ? { code: errno.code } : {}), ...(errno.path ? { path: errno.path } : {}) },
    suggestion:
      errno.code === 'EACCES'
        ? `make ${errno.path ?? 'that path'} readable/writable for ${root ? 'root' : 'the current user'}, or point READMODEL_CACHE_DIR / READMODEL_SANDBOX_DIR elsewhere`
        : undefined,
    cause: err,
  });
}
