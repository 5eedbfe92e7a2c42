import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from '../core/errors.js';
import { abortError } from './health.js';
import { ENV } from './options.js';
import { acceptsConnections, describePortOwner, isPortFree } from './probe.js';
import type { SandboxOptions, ServiceName } from './types.js';

/** Error code for "a port we need is held by something we did not start". */
export const PORT_IN_USE = 'SANDBOX_PORT_IN_USE';

const PORT_FLAG: Record<ServiceName, string> = {
  kafka: `--kafka-port <port> (or ${ENV.kafkaPort})`,
  opensearch: `--opensearch-port <port> (or ${ENV.opensearchPort})`,
  elasticsearch: `--elasticsearch-port <port> (or ${ENV.elasticsearchPort})`,
};

/** Linux keeps a closed connection's local port in TIME_WAIT for 60 s. */
const CONNECTION_HOLD_MS = 62_000;

export interface PortWaitDeps {
  isFree?: (port: number) => Promise<boolean>;
  /** Whether something listens on the port (a connect succeeds), whoever owns it. */
  listens?: (port: number) => Promise<boolean>;
  owner?: (port: number) => Promise<string | undefined>;
  ephemeralRange?: () => Promise<[number, number] | undefined>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
  say?: (line: string) => void;
  holdMs?: number;
}

/**
 * Refuses to start a service whose ports something else holds, naming the holder and the flag to move
 * it. A port that cannot be bound although nothing accepts connections on it is held by a connection
 * (a client's ephemeral local port, or one in TIME_WAIT): that passes on its own, so it is waited out
 * once, for as long as TIME_WAIT lasts, before refusing; a listener that appears meanwhile is refused.
 */
export async function assertPortsFree(
  options: Pick<SandboxOptions, 'ports' | 'env' | 'stateDir' | 'signal'>,
  service: ServiceName,
  deps: PortWaitDeps = {},
): Promise<void> {
  const isFree = deps.isFree ?? isPortFree;
  const listens = deps.listens ?? ((p: number) => acceptsConnections(p));
  const owner = deps.owner ?? ((p: number) => describePortOwner(p, options.env));
  const wait = deps.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, signal ? { signal } : undefined));
  const { signal } = options;
  const { port, internalPort } = options.ports[service];
  for (const [p, label] of [
    [port, 'port'],
    [internalPort, service === 'kafka' ? 'controller port' : 'transport port'],
  ] as const) {
    if (await isFree(p)) continue;
    let listener = await listens(p);
    if (!listener) {
      const holdMs = deps.holdMs ?? CONNECTION_HOLD_MS;
      deps.say?.(
        `${label} ${p} is taken but nothing listens on it (a connection's local port?); waiting up to ${Math.round(holdMs / 1000)} s for it to close`,
      );
      let free = false;
      for (let waited = 0; !free && !listener && waited < holdMs; waited += 1000) {
        await wait(1000, signal).catch(() => undefined);
        if (signal?.aborted) throw abortError(signal);
        free = await isFree(p);
        if (!free) listener = await listens(p);
      }
      if (free) continue;
    }
    const holder = await owner(p);
    const range = await (deps.ephemeralRange ?? ephemeralPortRange)();
    const inRange = range !== undefined && p >= range[0] && p <= range[1];
    const by = listener ? 'a process this sandbox did not start' : 'a connection (nothing listens on it)';
    throw new SandboxError(`${service}: ${label} ${p} on 127.0.0.1 is already in use by ${by}`, {
      code: PORT_IN_USE,
      context: {
        service,
        port: p,
        heldBy: holder ?? (listener ? '(unknown; try `ss -ltnp` as root)' : '(a connection; try `ss -tanp`)'),
        ...(inRange ? { ephemeralRange: `${range[0]}-${range[1]}` } : {}),
        stateDir: options.stateDir,
      },
      suggestion: `stop that process, or move the sandbox's ${service} with ${PORT_FLAG[service]}${
        inRange ? `; choose a port below ${range[0]}: ports in the kernel's ephemeral range are handed to outgoing connections` : ''
      }`,
    });
  }
}

/** The kernel's range for outgoing connections' local ports, when readable. */
async function ephemeralPortRange(): Promise<[number, number] | undefined> {
  try {
    const [lo, hi] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined && Number.isInteger(lo) && Number.isInteger(hi) ? [lo, hi] : undefined;
  } catch {
    return undefined;
  }
}
