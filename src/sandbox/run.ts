import { homedir } from 'node:os';
import type { Writable } from 'node:stream';
import { formatDownResult, formatStatusResult, formatUpResult } from './report.js';
import { resolveSandboxOptions } from './options.js';
import type { SandboxFlags } from './options.js';
import { createSandbox } from './sandbox.js';
import type { DownResult, StatusResult, UpResult } from './types.js';

/**
 * The CLI-facing entry points: flags in, output written, result returned. Progress goes to stderr,
 * results to stdout (JSON with --json). Errors are thrown for the CLI's single error renderer.
 */

export interface SandboxCommandOptions extends SandboxFlags {
  json?: boolean | undefined;
  purge?: boolean | undefined;
}

export interface SandboxRunDeps {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Overridable for tests; default: os.homedir() and the effective uid. */
  homeDir?: string;
  uid?: number;
}

function open(options: SandboxCommandOptions, deps: SandboxRunDeps) {
  const resolved = resolveSandboxOptions({
    flags: options,
    env: deps.env,
    homeDir: deps.homeDir ?? homedir(),
    uid: deps.uid ?? (typeof process.getuid === 'function' ? process.getuid() : 1000),
    ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
  });
  const sandbox = createSandbox({
    ...resolved,
    signal: deps.signal,
    onProgress: (service, message) => deps.stderr.write(`${service ? `${service}: ` : 'sandbox: '}${message}\n`),
  });
  return { sandbox, services: resolved.services };
}

function emit(deps: SandboxRunDeps, json: boolean | undefined, value: unknown, lines: () => string[]): void {
  if (json) deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else deps.stdout.write(`${lines().join('\n')}\n`);
}

export async function runSandboxUp(options: SandboxCommandOptions, deps: SandboxRunDeps): Promise<UpResult> {
  const { sandbox, services } = open(options, deps);
  const result = await sandbox.up({ services });
  emit(deps, options.json, result, () => formatUpResult(result));
  return result;
}

export async function runSandboxDown(options: SandboxCommandOptions, deps: SandboxRunDeps): Promise<DownResult> {
  const { sandbox, services } = open(options, deps);
  const result = await sandbox.down({ services, purge: options.purge ?? false });
  emit(deps, options.json, result, () => formatDownResult(result));
  return result;
}

export async function runSandboxStatus(options: SandboxCommandOptions, deps: SandboxRunDeps): Promise<StatusResult> {
  const { sandbox, services } = open(options, deps);
  const result = await sandbox.status({ services });
  emit(deps, options.json, result, () => formatStatusResult(result));
  return result;
}
