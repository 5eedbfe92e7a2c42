/**
 * Config files for the three services, rendered from plain values. Pure: no fs, no env.
 */

/** Escapes a value for a Java .properties file (backslashes, and leading spaces). */
export function propertiesValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

function properties(entries: Array<[string, string | number | boolean]>): string {
  return `${entries.map(([k, v]) => `${k}=${propertiesValue(String(v))}`).join('\n')}\n`;
}

export interface KafkaServerConfig {
  port: number;
  controllerPort: number;
  dataDir: string;
  nodeId?: number;
}

/** A single-node KRaft broker+controller bound to 127.0.0.1, tuned for tests. */
export function renderKafkaServerProperties(c: KafkaServerConfig): string {
  const nodeId = c.nodeId ?? 1;
  return properties([
    ['process.roles', 'broker,controller'],
    ['node.id', nodeId],
    ['controller.quorum.voters', `${nodeId}@127.0.0.1:${c.controllerPort}`],
    ['listeners', `PLAINTEXT://127.0.0.1:${c.port},CONTROLLER://127.0.0.1:${c.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${c.port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', c.dataDir],
    // Tests create their topics with explicit partition counts; a typo must not create a topic.
    ['auto.create.topics.enable', false],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
  ]);
}

/** log4j2 config for the broker: everything to `<logDir>/server.log`, size-rotated. */
export function renderKafkaLog4j2(logDir: string): string {
  const file = `${logDir}/server.log`;
  return properties([
    ['status', 'warn'],
    ['name', 'readmodel-sandbox-kafka'],
    ['appender.file.type', 'RollingFile'],
    ['appender.file.name', 'FILE'],
    ['appender.file.fileName', file],
    ['appender.file.filePattern', `${file}.%i`],
    ['appender.file.layout.type', 'PatternLayout'],
    ['appender.file.layout.pattern', '[%d] %p %m (%c)%n'],
    ['appender.file.policies.type', 'Policies'],
    ['appender.file.policies.size.type', 'SizeBasedTriggeringPolicy'],
    ['appender.file.policies.size.size', '20MB'],
    ['appender.file.strategy.type', 'DefaultRolloverStrategy'],
    ['appender.file.strategy.max', 3],
    ['rootLogger.level', 'INFO'],
    ['rootLogger.appenderRef.file.ref', 'FILE'],
    ['logger.request.name', 'kafka.request.logger'],
    ['logger.request.level', 'WARN'],
    ['logger.statechange.name', 'state.change.logger'],
    ['logger.statechange.level', 'WARN'],
  ]);
}

/** log4j2 config for one-shot Kafka tools (storage format): warnings only, to the console. */
export function renderKafkaToolLog4j2(): string {
  return properties([
    ['status', 'warn'],
    ['name', 'readmodel-sandbox-kafka-tool'],
    ['appender.console.type', 'Console'],
    ['appender.console.name', 'STDERR'],
    ['appender.console.target', 'SYSTEM_ERR'],
    ['appender.console.layout.type', 'PatternLayout'],
    ['appender.console.layout.pattern', '%p %m (%c)%n'],
    ['rootLogger.level', 'WARN'],
    ['rootLogger.appenderRef.console.ref', 'STDERR'],
  ]);
}

export type SearchEngine = 'opensearch' | 'elasticsearch';

export interface SearchEngineConfig {
  engine: SearchEngine;
  clusterName: string;
  nodeName: string;
  httpPort: number;
  transportPort: number;
  dataDir: string;
  logDir: string;
}

/** YAML scalar: JSON strings are valid double-quoted YAML. */
function yamlScalar(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * opensearch.yml / elasticsearch.yml for a single local node. Only settings the integ-test
 * distributions know: an unknown setting (for example the security plugin's, which the OpenSearch
 * integ-test zip does not carry) makes the node refuse to start.
 */
export function renderSearchEngineYml(c: SearchEngineConfig): string {
  const entries: Array<[string, string | number | boolean]> = [
    ['cluster.name', c.clusterName],
    ['node.name', c.nodeName],
    ['discovery.type', 'single-node'],
    ['network.host', '127.0.0.1'],
    ['http.port', c.httpPort],
    ['transport.port', c.transportPort],
    ['path.data', c.dataDir],
    ['path.logs', c.logDir],
    ['cluster.routing.allocation.disk.threshold_enabled', false],
  ];
  if (c.engine === 'elasticsearch') entries.push(['xpack.security.enabled', false]);
  return `# Written by readmodel sandbox on every start; edits are overwritten.\n${entries
    .map(([k, v]) => `${k}: ${yamlScalar(v)}`)
    .join('\n')}\n`;
}

/** Name of the main log file a search engine writes under path.logs. */
export function searchEngineLogFileName(clusterName: string): string {
  return `${clusterName}.log`;
}

/**
 * A Kafka cluster id from 16 random bytes: Kafka's Uuid text form is unpadded base64url. Returns
 * undefined for values Kafka rejects or reserves (all-zero, the reserved "one" id, and ids starting
 * with "-", which Kafka's own generator also avoids since they look like CLI flags).
 */
export function kafkaClusterIdFromBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16) return undefined;
  const allZero = bytes.every((b) => b === 0);
  const isOne = bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
  if (allZero || isOne) return undefined;
  const id = Buffer.from(bytes).toString('base64url');
  if (id.startsWith('-')) return undefined;
  return id;
}
