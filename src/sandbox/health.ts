import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, SandboxError } from '../core/errors.js';
import { probeHealth, searchEngineInfo } from './probe.js';
import type { ServiceName } from './types.js';

export const HEALTH_PROBE_TIMEOUT_MS = 2000;
const HEALTH_POLL_MS = 500;

export function abortError(signal: AbortSignal | undefined): AbortedError {
  const reason: unknown = signal?.reason;
  return reason instanceof AbortedError ? reason : new AbortedError();
}

export interface WaitHealthyOptions {
  service: ServiceName;
  port: number;
  deadline: number;
  /** Only for the message: the timeout the deadline came from. */
  startTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Why the process ended, or undefined while it runs. */
  gone: () => Promise<string | undefined>;
}

/** Polls health until healthy; fails on deadline, abort, or when `gone()` reports the process ended. */
export async function waitHealthy(o: WaitHealthyOptions): Promise<void> {
  const { service, port, deadline, signal } = o;
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    const ended = await o.gone();
    if (ended !== undefined) throw new SandboxError(`${service} exited during startup (${ended})`, { context: { cause: ended } });
    const h = await probeHealth(service, port, HEALTH_PROBE_TIMEOUT_MS);
    if (h.healthy) return;
    if (Date.now() >= deadline) {
      throw new SandboxError(`${service} did not become healthy within ${Math.round(o.startTimeoutMs / 1000)} s`, {
        context: { lastProbe: h.detail },
      });
    }
    await sleep(HEALTH_POLL_MS, undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
}

/** The version a running service reports (search engines), else the one recorded at start. */
export async function versionOf(service: ServiceName, port: number, recorded: string): Promise<string> {
  if (service === 'kafka') return recorded;
  const info = await searchEngineInfo(port, HEALTH_PROBE_TIMEOUT_MS);
  return info?.version ?? recorded;
}
