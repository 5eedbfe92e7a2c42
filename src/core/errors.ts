/**
 * One error family for the whole tool. Every failure an operator can meet is a ReadmodelError with a
 * stable code, the process exit code it maps to, the context that says where it happened, and a
 * suggestion that says what to do next. The CLI's single top-level handler renders these as text or
 * JSON; anything that is not a ReadmodelError is a bug and is shown with its stack.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  contract: 4,
  sourceUnavailable: 5,
  sinkUnavailable: 6,
  gateRefused: 7,
  conflict: 8,
  sandbox: 9,
  /** The target exists but readmodel does not own it (no manifest of this model, live, leased). */
  notOwned: 10,
  /** Another run holds the lease on the target build. */
  leaseHeld: 11,
  /** Kafka no longer holds the history the run needs (retention, deleted records). */
  truncatedHistory: 12,
  internal: 70,
  aborted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorContext = Record<string, unknown>;

export interface ReadmodelErrorOptions {
  code: string;
  exitCode: ExitCodeValue;
  context?: ErrorContext;
  suggestion?: string;
  cause?: unknown;
}

export class ReadmodelError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly context: ErrorContext;
  readonly suggestion: string | undefined;

  constructor(message: string, options: ReadmodelErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.context = options.context ?? {};
    this.suggestion = options.suggestion;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: this.code,
      message: this.message,
      exitCode: this.exitCode,
      context: this.context,
      ...(this.suggestion ? { suggestion: this.suggestion } : {}),
    };
  }
}

type Details = Omit<ReadmodelErrorOptions, 'exitCode' | 'code'> & { code?: string };

export class UsageError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'USAGE', exitCode: ExitCode.usage });
  }
}

export class ConfigError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'CONFIG', exitCode: ExitCode.config });
  }
}

export class ContractViolationError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'CONTRACT_VIOLATION', exitCode: ExitCode.contract });
  }
}

export class SourceUnavailableError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'SOURCE_UNAVAILABLE', exitCode: ExitCode.sourceUnavailable });
  }
}

export class SinkUnavailableError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'SINK_UNAVAILABLE', exitCode: ExitCode.sinkUnavailable });
  }
}

/** A request the search engine understood and refused (bad mapping, rejected document, ...). */
export class SinkRejectedError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'SINK_REJECTED', exitCode: ExitCode.failure });
  }
}

export class GateRefusedError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'GATE_REFUSED', exitCode: ExitCode.gateRefused });
  }
}

/** Someone else changed what we read (alias moved under us, index exists with other content). */
export class ConflictError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'CONFLICT', exitCode: ExitCode.conflict });
  }
}

export class SandboxError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'SANDBOX', exitCode: ExitCode.sandbox });
  }
}

/** readmodel refuses to delete or overwrite something it does not own. */
export class NotOwnedError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'NOT_OWNED', exitCode: ExitCode.notOwned });
  }
}

/** Another run is building the same target right now (its lease is held and its heartbeat fresh). */
export class LeaseHeldError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'LEASE_HELD', exitCode: ExitCode.leaseHeld });
  }
}

/** The events the run needs are gone from Kafka; building anyway would make a wrong read model. */
export class TruncatedHistoryError extends ReadmodelError {
  constructor(message: string, d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'TRUNCATED_HISTORY', exitCode: ExitCode.truncatedHistory });
  }
}

export class AbortedError extends ReadmodelError {
  constructor(message = 'aborted by signal', d: Details = {}) {
    super(message, { ...d, code: d.code ?? 'ABORTED', exitCode: ExitCode.aborted });
  }
}

export function isReadmodelError(e: unknown): e is ReadmodelError {
  return e instanceof ReadmodelError;
}
