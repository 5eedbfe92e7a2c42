import { SandboxError } from '../core/errors.js';
import { ENV } from './options.js';
import { describePortOwner, isPortFree } from './probe.js';
import type { SandboxOptions, ServiceName } from './types.js';

/** Error code for "a port we need is held by something we did not start". */
export const PORT_IN_USE = 'SANDBOX_PORT_IN_USE';

const PORT_FLAG: Record<ServiceName, string> = {
  kafka: `--kafka-port <port> (or ${ENV.kafkaPort})`,
  opensearch: `--opensearch-port <port> (or ${ENV.opensearchPort})`,
  elasticsearch: `--elasticsearch-port <port> (or ${ENV.elasticsearchPort})`,
};

/** Refuses to start a service whose ports something else holds, naming the holder and the flag to move it. */
export async function assertPortsFree(options: Pick<SandboxOptions, 'ports' | 'env' | 'stateDir'>, service: ServiceName): Promise<void> {
  const { port, internalPort } = options.ports[service];
  for (const [p, label] of [
    [port, 'port'],
    [internalPort, service === 'kafka' ? 'controller port' : 'transport port'],
  ] as const) {
    if (await isPortFree(p)) continue;
    const owner = await describePortOwner(p, options.env);
    throw new SandboxError(`${service}: ${label} ${p} on 127.0.0.1 is already in use by a process this sandbox did not start`, {
      code: PORT_IN_USE,
      context: { service, port: p, heldBy: owner ?? '(unknown; try `ss -ltnp`)', stateDir: options.stateDir },
      suggestion: `stop that process, or move the sandbox's ${service} with ${PORT_FLAG[service]}`,
    });
  }
}
