import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelEntries } from '../../src/config/load-config.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { ReadmodelConfig } from '../../src/config/config-types.js';
import { ConfigError, ExitCode, ReadmodelError, UsageError } from '../../src/core/errors.js';

const FILE = '/etc/readmodel/readmodel.config.json';
const meta = { filePath: FILE, defaultContractsDir: '/pkg/contracts', cwd: '/home/op/work' };
const resolve = (file: ReadmodelConfig, env: NodeJS.ProcessEnv = {}, flags = {}) => resolveConfig(file, env, flags, meta);

function failure(f: () => unknown): ReadmodelError {
  try {
    f();
  } catch (err) {
    if (err instanceof ReadmodelError) return err;
    throw err;
  }
  throw new Error('expected a ReadmodelError');
}

describe('every value from the environment and flags is checked, naming its source', () => {
  it.each([
    // [what, env, flags, class, source, message]
    [
      '--brokers with a scheme',
      {},
      { brokers: 'http://x' },
      UsageError,
      { flag: '--brokers' },
      /--brokers: invalid value "http:\/\/x": a broker is host:port, without a scheme/,
    ],
    ['--brokers without a port', {}, { brokers: 'k1:9092,k2' }, UsageError, { flag: '--brokers' }, /"k2"/],
    ['empty --brokers', {}, { brokers: ' , ' }, UsageError, { flag: '--brokers' }, /no broker given/],
    ['env brokers', { READMODEL_KAFKA_BROKERS: 'k:99999' }, {}, ConfigError, { env: 'READMODEL_KAFKA_BROKERS' }, /outside 1..65535/],
    [
      '--node without a scheme',
      {},
      { node: 'localhost:19200' },
      UsageError,
      { flag: '--node' },
      /--node: invalid value "localhost:19200": a node is a URL with a scheme/,
    ],
    ['--node ftp', {}, { node: 'ftp://x' }, UsageError, { flag: '--node' }, /scheme "ftp" is not supported/],
    ['env node', { READMODEL_SEARCH_NODE: 'http://x:0' }, {}, ConfigError, { env: 'READMODEL_SEARCH_NODE' }, /outside 1..65535/],
    ['--engine', {}, { engine: 'solr' }, UsageError, { flag: '--engine' }, /unknown search engine "solr"/],
    ['env engine', { READMODEL_SEARCH_ENGINE: 'elastic' }, {}, ConfigError, { env: 'READMODEL_SEARCH_ENGINE' }, /unknown search engine/],
    [
      'env SSL',
      { READMODEL_KAFKA_SSL: 'maybe' },
      {},
      ConfigError,
      { env: 'READMODEL_KAFKA_SSL' },
      /READMODEL_KAFKA_SSL: invalid value "maybe": not a boolean/,
    ],
    [
      'env SASL mechanism',
      { READMODEL_KAFKA_SASL_MECHANISM: 'gssapi', READMODEL_KAFKA_SASL_USERNAME: 'u' },
      {},
      ConfigError,
      { env: 'READMODEL_KAFKA_SASL_MECHANISM' },
      /not a supported SASL mechanism/,
    ],
    [
      'SASL user without mechanism',
      { READMODEL_KAFKA_SASL_USERNAME: 'u' },
      {},
      ConfigError,
      { env: 'READMODEL_KAFKA_SASL_USERNAME' },
      /READMODEL_KAFKA_SASL_MECHANISM is not/,
    ],
    [
      'SASL mechanism without user',
      { READMODEL_KAFKA_SASL_MECHANISM: 'plain' },
      {},
      ConfigError,
      { env: 'READMODEL_KAFKA_SASL_MECHANISM' },
      /READMODEL_KAFKA_SASL_USERNAME is not/,
    ],
  ] as const)('%s', (_what, env, flags, cls, source, message) => {
    const err = failure(() => resolve({}, env, flags));
    expect(err).toBeInstanceOf(cls);
    expect(err.exitCode).toBe(cls === UsageError ? ExitCode.usage : ExitCode.config);
    expect(err.code).toBe('INVALID_VALUE');
    expect(err.context).toMatchObject(source);
    expect(err.message).toMatch(message);
    expect(err.suggestion).toBeTruthy();
  });

  it('checks file values too, naming the key', () => {
    const err = failure(() => resolve({ kafka: { brokers: ['k:1', 'k:70000'] } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.context).toMatchObject({ key: 'kafka.brokers.1', file: FILE });
  });

  it('accepts and normalizes good values', () => {
    const c = resolve(
      {},
      {
        READMODEL_KAFKA_SSL: 'YES',
        READMODEL_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        READMODEL_KAFKA_SASL_USERNAME: 'svc',
        READMODEL_KAFKA_SASL_PASSWORD: 'pw',
      },
      { brokers: 'k1:9092, [::1]:9093', node: 'https://es-1:9200/,https://es-2:9200', engine: 'elasticsearch' },
    );
    expect(c.kafka).toEqual({
      brokers: ['k1:9092', '[::1]:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
    expect(c.search).toMatchObject({ engine: 'elasticsearch', node: ['https://es-1:9200', 'https://es-2:9200'] });
  });

  it('treats empty environment variables as unset', () => {
    const c = resolve(
      { kafka: { brokers: ['k:1'] } },
      { READMODEL_KAFKA_BROKERS: '', READMODEL_KAFKA_SSL: ' ', READMODEL_SEARCH_NODE: '' },
    );
    expect(c.kafka).toEqual({ brokers: ['k:1'] });
    expect(c.search).toBeUndefined();
  });

  it('READMODEL_KAFKA_SSL=true keeps the file TLS details; false turns TLS off', () => {
    const file = { kafka: { brokers: ['k:1'], ssl: { caFile: 'ca.pem' } } };
    expect(resolve(file, { READMODEL_KAFKA_SSL: 'true' }).kafka?.ssl).toEqual({ caFile: '/etc/readmodel/ca.pem' });
    expect(resolve(file, { READMODEL_KAFKA_SSL: 'false' }).kafka?.ssl).toBe(false);
  });
});

describe('credentials in node URLs', () => {
  it('are split off: the node URL keeps none, username and password carry them', () => {
    const c = resolve({}, {}, { node: 'http://admin:p#ss w/rd@127.0.0.1:9200' });
    expect(c.search).toMatchObject({ node: 'http://127.0.0.1:9200', username: 'admin', password: 'p#ss w/rd' });
  });
  it('a bad URL with a password is shown redacted in the error', () => {
    const err = failure(() => resolve({}, { READMODEL_SEARCH_NODE: 'ftp://admin:hunter 2#/@x' }));
    expect(JSON.stringify(err.toJSON())).not.toContain('hunter');
    expect(err.message).toContain('ftp://admin:***@x');
  });
  it('nodes with different credentials are refused', () => {
    expect(failure(() => resolve({}, {}, { node: 'http://a:1@x:9200,http://b:2@y:9200' })).message).toMatch(/different credentials/);
  });
});

describe('relative paths', () => {
  it('resolve against the config file when they come from it, against the working directory from env and flags', () => {
    const fromFile = resolve({
      search: { node: 'http://x:1', caFile: 'certs/ca.pem' },
      kafka: { brokers: ['k:1'], ssl: { caFile: '../ca.pem' } },
      contracts: 'contracts',
    });
    expect(fromFile.search?.caFile).toBe(path.resolve('/etc/readmodel/certs/ca.pem'));
    expect(fromFile.kafka?.ssl).toEqual({ caFile: path.resolve('/etc/ca.pem') });
    expect(fromFile.contractsDir).toBe(path.resolve('/etc/readmodel/contracts'));
    const fromEnv = resolve({ search: { node: 'http://x:1' } }, { READMODEL_SEARCH_CA_FILE: 'ca.pem' }, { contracts: 'my-contracts' });
    expect(fromEnv.search?.caFile).toBe(path.resolve('/home/op/work/ca.pem'));
    expect(fromEnv.contractsDir).toBe(path.resolve('/home/op/work/my-contracts'));
  });
});

describe('models entries', () => {
  const shipped = ['product-search', 'order-history'];
  it('a misspelled shipped model is a config error with a suggestion', () => {
    const err = failure(() => checkModelEntries({ models: { 'product-serch': { topic: 't' } } }, shipped, FILE));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('UNKNOWN_MODEL');
    expect(err.message).toMatch(/models\.product-serch: .*did you mean "product-search"/);
    expect(err.context).toMatchObject({ key: 'models.product-serch', file: FILE, known: shipped });
  });
  it('an unknown name without a module lists the known models', () => {
    expect(failure(() => checkModelEntries({ models: { inventory: {} } }, shipped)).suggestion).toMatch(
      /product-search, order-history.*models\.inventory\.module/,
    );
  });
  it('a module registers a new name; a shipped name may be overridden', () => {
    expect(() =>
      checkModelEntries({ models: { inventory: { module: './inv.mjs' }, 'order-history': { topic: 'orders' } } }, shipped),
    ).not.toThrow();
  });
  it.each([
    [{ indexBase: 'orders*' }, 'models.order-history.indexBase', /wildcard/],
    [{ topic: 'bad topic' }, 'models.order-history.topic', /Kafka topic name/],
    [{ indexBase: 'x'.repeat(201) }, 'models.order-history.indexBase', /200 bytes/],
  ])('checks names: %j', (entry, key, why) => {
    const err = failure(() => checkModelEntries({ models: { 'order-history': entry } }, shipped, FILE));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.context).toMatchObject({ key });
    expect(err.message).toMatch(why);
  });
});
