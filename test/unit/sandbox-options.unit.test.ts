import { describe, it, expect } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  DEFAULT_PORTS,
  ROOT_STATE_DIR,
  parsePort,
  parseServiceList,
  resolvePorts,
  resolveSandboxOptions,
  resolveVersions,
  sandboxEndpoints,
} from '../../src/sandbox/options.js';

const home = '/home/dev';

describe('resolveSandboxOptions', () => {
  it('uses the documented defaults for a normal user', () => {
    const o = resolveSandboxOptions({ env: {}, homeDir: home, uid: 1000, cwd: '/work' });
    expect(o.services).toEqual(['kafka', 'opensearch', 'elasticsearch']);
    expect(o.ports).toEqual(DEFAULT_PORTS);
    expect(o.ports.kafka).toEqual({ port: 19092, internalPort: 19093 });
    expect(o.ports.opensearch).toEqual({ port: 19200, internalPort: 19300 });
    expect(o.ports.elasticsearch).toEqual({ port: 19201, internalPort: 19301 });
    expect(o.cacheDir).toBe('/home/dev/.cache/readmodel');
    expect(o.stateDir).toBe('/home/dev/.local/state/readmodel/sandbox');
    expect(o.startTimeoutMs).toBe(300_000);
    expect(o.heap).toBe('512m');
    expect(o.serviceUser).toBe('readmodel');
  });

  it('puts root state under /var/tmp, where the unprivileged service user can reach it', () => {
    const o = resolveSandboxOptions({ env: {}, homeDir: '/root', uid: 0 });
    expect(o.stateDir).toBe(ROOT_STATE_DIR);
    expect(o.cacheDir).toBe('/root/.cache/readmodel');
  });

  it('lets env override dirs, ports and timeout, and flags override env', () => {
    const env = {
      READMODEL_SANDBOX_DIR: '/srv/sb',
      READMODEL_CACHE_DIR: 'cache',
      READMODEL_SANDBOX_KAFKA_PORT: '29092',
      READMODEL_SANDBOX_OPENSEARCH_PORT: '29200',
      READMODEL_SANDBOX_TIMEOUT: '30',
    };
    const fromEnv = resolveSandboxOptions({ env, homeDir: home, uid: 1000, cwd: '/work' });
    expect(fromEnv.stateDir).toBe('/srv/sb');
    expect(fromEnv.cacheDir).toBe('/work/cache');
    expect(fromEnv.ports.kafka).toEqual({ port: 29092, internalPort: 29093 });
    expect(fromEnv.ports.opensearch).toEqual({ port: 29200, internalPort: 29300 });
    expect(fromEnv.startTimeoutMs).toBe(30_000);

    const fromFlags = resolveSandboxOptions({
      env,
      flags: { kafkaPort: '39092', timeout: '1.5', stateDir: '/tmp/x', only: 'es,kafka' },
      homeDir: home,
      uid: 1000,
    });
    expect(fromFlags.ports.kafka.port).toBe(39092);
    expect(fromFlags.startTimeoutMs).toBe(1500);
    expect(fromFlags.stateDir).toBe('/tmp/x');
    expect(fromFlags.services).toEqual(['kafka', 'elasticsearch']);
  });

  it('honours XDG dirs', () => {
    const o = resolveSandboxOptions({ env: { XDG_CACHE_HOME: '/c', XDG_STATE_HOME: '/s' }, homeDir: home, uid: 1000 });
    expect(o.cacheDir).toBe('/c/readmodel');
    expect(o.stateDir).toBe('/s/readmodel/sandbox');
  });

  it('rejects a bad timeout and a bad heap', () => {
    expect(() => resolveSandboxOptions({ env: {}, flags: { timeout: '0' }, homeDir: home, uid: 1 })).toThrow(UsageError);
    expect(() => resolveSandboxOptions({ env: { READMODEL_SANDBOX_HEAP: 'lots' }, homeDir: home, uid: 1 })).toThrow(/heap/);
  });
});

describe('ports', () => {
  it('parses valid ports and rejects the rest', () => {
    expect(parsePort('19092', 'p')).toBe(19092);
    for (const bad of ['0', '65536', 'abc', '12.5', '-1', '']) expect(() => parsePort(bad, 'p')).toThrow(UsageError);
  });

  it('lets the internal port be set on its own', () => {
    const p = resolvePorts({}, { READMODEL_SANDBOX_KAFKA_CONTROLLER_PORT: '20000' });
    expect(p.kafka).toEqual({ port: 19092, internalPort: 20000 });
  });

  it('refuses two services on one port, including derived internal ports', () => {
    expect(() => resolvePorts({ opensearchPort: '19092' }, {})).toThrow(/both 19092/);
    // Kafka on 19299 puts its controller on 19300, OpenSearch's transport port.
    expect(() => resolvePorts({ kafkaPort: '19299' }, {})).toThrow(/both 19300/);
    // 65535 + 1 is out of range.
    expect(() => resolvePorts({ kafkaPort: '65535' }, {})).toThrow(/out of range/);
  });

  it('formats endpoints', () => {
    expect(sandboxEndpoints(DEFAULT_PORTS)).toEqual({
      kafkaBrokers: '127.0.0.1:19092',
      opensearchUrl: 'http://127.0.0.1:19200',
      elasticsearchUrl: 'http://127.0.0.1:19201',
    });
  });
});

describe('parseServiceList', () => {
  it('defaults to all, keeps canonical order, accepts short names', () => {
    expect(parseServiceList(undefined)).toEqual(['kafka', 'opensearch', 'elasticsearch']);
    expect(parseServiceList('all')).toEqual(['kafka', 'opensearch', 'elasticsearch']);
    expect(parseServiceList('elasticsearch, kafka')).toEqual(['kafka', 'elasticsearch']);
    expect(parseServiceList('os,OS')).toEqual(['opensearch']);
  });

  it('rejects unknown names with the valid ones in the suggestion', () => {
    try {
      parseServiceList('kafka,zookeeper');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toContain('zookeeper');
      expect((e as UsageError).suggestion).toContain('kafka, opensearch, elasticsearch');
    }
  });
});

describe('versions and per-service Java homes', () => {
  it('defaults to the current engines; the oldest preset selects the oldest supported ones', () => {
    expect(resolveVersions({}, {})).toEqual({ kafka: '4.4.0', opensearch: '3.8.0', elasticsearch: '9.5.0' });
    expect(resolveVersions({ versions: 'oldest' }, {})).toEqual({ kafka: '3.9.1', opensearch: '2.19.3', elasticsearch: '8.19.7' });
    expect(resolveVersions({}, { READMODEL_SANDBOX_VERSIONS: 'oldest' }).kafka).toBe('3.9.1');
  });

  it('lets a per-service env or flag override the preset, the flag winning', () => {
    const env = {
      READMODEL_SANDBOX_VERSIONS: 'oldest',
      READMODEL_SANDBOX_OPENSEARCH_VERSION: '3.0.0',
      READMODEL_SANDBOX_KAFKA_VERSION: '4.1.1',
    };
    expect(resolveVersions({ kafkaVersion: '4.4.0' }, env)).toEqual({ kafka: '4.4.0', opensearch: '3.0.0', elasticsearch: '8.19.7' });
  });

  it('refuses unsupported majors, malformed versions and unknown presets as usage errors', () => {
    expect(() => resolveVersions({ elasticsearchVersion: '7.17.0' }, {})).toThrow(/unsupported elasticsearch version/);
    expect(() => resolveVersions({}, { READMODEL_SANDBOX_OPENSEARCH_VERSION: '3.8' })).toThrow(UsageError);
    expect(() => resolveVersions({ versions: 'newest' }, {})).toThrow(/invalid --versions/);
  });

  it('reads per-service Java homes next to the sandbox-wide one', () => {
    const o = resolveSandboxOptions({
      env: {
        READMODEL_SANDBOX_JAVA_HOME: '/j17',
        READMODEL_SANDBOX_OPENSEARCH_JAVA_HOME: '/j25',
        READMODEL_SANDBOX_ELASTICSEARCH_JAVA_HOME: ' ',
      },
      homeDir: home,
      uid: 1000,
      cwd: '/w',
    });
    expect(o.javaHome).toBe('/j17');
    expect(o.serviceJavaHomes).toEqual({ opensearch: '/j25' });
  });
});
