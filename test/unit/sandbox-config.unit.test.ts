import { describe, it, expect } from 'vitest';
import { fetchFailureSuggestion, mavenOutputExcerpt } from '../../src/sandbox/fetch.js';
import {
  DEFAULT_VERSIONS,
  OLDEST_VERSIONS,
  artifactFor,
  mavenFetchArgs,
  parseCompleteMarker,
  renderFetchPom,
} from '../../src/sandbox/artifacts.js';

const ARTIFACTS = {
  kafka: artifactFor('kafka', '4.1.1'),
  opensearch: artifactFor('opensearch', '2.19.3'),
  elasticsearch: artifactFor('elasticsearch', '8.19.7'),
};
import {
  kafkaClusterIdFromBytes,
  propertiesValue,
  renderKafkaLog4j2,
  renderKafkaServerProperties,
  renderSearchEngineYml,
} from '../../src/sandbox/config-render.js';

function parseProperties(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

describe('Kafka config', () => {
  it('renders a single-node KRaft broker bound to 127.0.0.1', () => {
    const p = parseProperties(renderKafkaServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/d/kafka' }));
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(p.get('log.dirs')).toBe('/d/kafka');
    expect(p.get('auto.create.topics.enable')).toBe('false');
    expect(p.get('offsets.topic.replication.factor')).toBe('1');
    expect(p.get('transaction.state.log.min.isr')).toBe('1');
    expect(p.get('group.initial.rebalance.delay.ms')).toBe('0');
  });

  it('escapes backslashes in .properties values', () => {
    expect(propertiesValue('C:\\data')).toBe('C:\\\\data');
    expect(renderKafkaServerProperties({ port: 1, controllerPort: 2, dataDir: 'a\\b' })).toContain('log.dirs=a\\\\b');
  });

  it('logs to <logDir>/server.log', () => {
    const p = parseProperties(renderKafkaLog4j2('/s/kafka/logs'));
    expect(p.get('appender.file.fileName')).toBe('/s/kafka/logs/server.log');
    expect(p.get('rootLogger.appenderRef.file.ref')).toBe(p.get('appender.file.name'));
  });

  it('makes valid cluster ids and refuses reserved ones', () => {
    const id = kafkaClusterIdFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i + 1));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id as string, 'base64url')).toHaveLength(16);
    expect(kafkaClusterIdFromBytes(new Uint8Array(16))).toBeUndefined();
    const one = new Uint8Array(16);
    one[15] = 1;
    expect(kafkaClusterIdFromBytes(one)).toBeUndefined();
    expect(kafkaClusterIdFromBytes(Uint8Array.from([0xfb, ...new Array<number>(15).fill(1)]))).toBeUndefined(); // "-..."
    expect(kafkaClusterIdFromBytes(new Uint8Array(15).fill(1))).toBeUndefined();
  });
});

describe('search engine config', () => {
  const base = {
    clusterName: 'c',
    nodeName: 'n',
    httpPort: 19200,
    transportPort: 19300,
    dataDir: '/s/os/data',
    logDir: '/s/os/logs',
  };

  it('renders a single-node 127.0.0.1 OpenSearch without security settings it does not know', () => {
    const yml = renderSearchEngineYml({ engine: 'opensearch', ...base });
    expect(yml).toContain('discovery.type: "single-node"');
    expect(yml).toContain('network.host: "127.0.0.1"');
    expect(yml).toContain('http.port: 19200');
    expect(yml).toContain('transport.port: 19300');
    expect(yml).toContain('path.data: "/s/os/data"');
    expect(yml).toContain('cluster.routing.allocation.disk.threshold_enabled: false');
    expect(yml).not.toContain('security');
  });

  it('turns Elasticsearch security off', () => {
    const yml = renderSearchEngineYml({ engine: 'elasticsearch', ...base });
    expect(yml).toContain('xpack.security.enabled: false');
  });

  it('quotes paths so odd characters stay valid YAML', () => {
    const yml = renderSearchEngineYml({ engine: 'opensearch', ...base, dataDir: '/a: b/#c' });
    expect(yml).toContain('path.data: "/a: b/#c"');
  });
});

describe('artifacts', () => {
  it('defaults to the current engines and keeps the oldest supported ones selectable', () => {
    expect(DEFAULT_VERSIONS).toEqual({ kafka: '4.4.0', opensearch: '3.8.0', elasticsearch: '9.5.0' });
    expect(OLDEST_VERSIONS).toEqual({ kafka: '3.9.1', opensearch: '2.19.3', elasticsearch: '8.19.7' });
  });

  it('fetches any supported version: Kafka with its log binding, the search engines as integ-test zips', () => {
    const k3 = artifactFor('kafka', '3.9.1');
    expect(k3.kind === 'dependency-closure' && k3.dependencies).toEqual([
      'org.apache.kafka:kafka_2.13:3.9.1',
      'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3',
    ]);
    expect(artifactFor('opensearch', '3.8.0')).toMatchObject({
      dirName: 'opensearch-3.8.0',
      coordinates: 'org.opensearch.distribution.integ-test-zip:opensearch:3.8.0:zip',
    });
  });

  it('renders a pom listing the Kafka dependencies', () => {
    const pom = renderFetchPom(ARTIFACTS.kafka);
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId>');
    expect(pom).toContain('<version>4.1.1</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(renderFetchPom(ARTIFACTS.opensearch)).not.toContain('<dependency>');
  });

  it('builds mvn arguments for both kinds', () => {
    expect(mavenFetchArgs(ARTIFACTS.kafka, '/o')).toEqual(
      expect.arrayContaining(['dependency:copy-dependencies', '-DincludeScope=runtime', '-DoutputDirectory=/o']),
    );
    expect(mavenFetchArgs(ARTIFACTS.elasticsearch, '/o')).toEqual(
      expect.arrayContaining(['dependency:copy', '-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.7:zip']),
    );
  });

  it('accepts only a matching, complete marker', () => {
    const ok = JSON.stringify({ service: 'kafka', version: '4.1.1', files: 46, bytes: 44e6, fetchedAt: 'x', fetchMs: 1 });
    expect(parseCompleteMarker(ok, ARTIFACTS.kafka)?.files).toBe(46);
    expect(parseCompleteMarker(ok, ARTIFACTS.opensearch)).toBeUndefined();
    expect(parseCompleteMarker(ok.replace('4.1.1', '4.0.0'), ARTIFACTS.kafka)).toBeUndefined();
    expect(parseCompleteMarker('{"service":"kafka","version":"4.1.1","files":0,"bytes":0}', ARTIFACTS.kafka)).toBeUndefined();
    expect(parseCompleteMarker('{trunc', ARTIFACTS.kafka)).toBeUndefined();
  });
});

describe('mvn failure output', () => {
  it('says a version is not published instead of blaming the network', () => {
    const missing = '[ERROR] ... Could not find artifact org.elasticsearch.distribution.integ-test-zip:elasticsearch:zip:9.3.0 in central';
    expect(fetchFailureSuggestion(artifactFor('elasticsearch', '9.3.0'), missing)).toBe(
      'elasticsearch 9.3.0 is not on Maven Central (some minors were never published); choose another with --elasticsearch-version or READMODEL_SANDBOX_ELASTICSEARCH_VERSION, e.g. the default 9.5.0 or the oldest supported 8.19.7',
    );
    expect(fetchFailureSuggestion(artifactFor('kafka', '4.4.0'), 'Connection refused')).toContain('Maven Central is reachable');
  });

  it('drops colour codes and boilerplate, keeps the cause', () => {
    const out = [
      '\u001b[0m[ERROR] Could not create local repository at /home/x/.m2/repository -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
      '[ERROR] For more information about the errors and possible solutions, please read the following articles:',
      '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/LocalRepositoryNotAccessibleException',
      '\u001b[0m\u001b[0m',
    ].join('\n');
    expect(mavenOutputExcerpt(out)).toBe('[ERROR] Could not create local repository at /home/x/.m2/repository -> [Help 1]');
  });
});
