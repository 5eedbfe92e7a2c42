import type { Writable } from 'node:stream';

/**
 * Everything a command needs from the process, passed in rather than reached for, so commands run the
 * same under tests, in CI and at a terminal.
 */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin?: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT / SIGTERM; long-running work must stop at its next safe point. */
  signal: AbortSignal;
  /** Asks the running work to stop, as Ctrl-C does (the TUI's `q` calls this). */
  abort?: (reason?: Error) => void;
}

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
