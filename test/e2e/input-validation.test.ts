import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, workspace, type CliResult } from '../support/cli.js';
import { ROOT } from '../support/contracts.js';
import { brokers, nodeFor, sinkFor, uniqueName } from '../support/services.js';

const emptyDir = () => mkdtempSync(path.join(tmpdir(), 'readmodel-e2e-'));
const UNREACHABLE = ['--brokers', '127.0.0.1:1', '--engine', 'opensearch', '--node', 'http://127.0.0.1:1'];

/** A user mistake: exit 2 or 3, an error[...] line, never the internal-error path or a stack trace. */
function expectUserMistake(r: CliResult, exitCode: 2 | 3) {
  expect(r.code, r.stdout + r.stderr).toBe(exitCode);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stdout).not.toMatch(/"stack"/);
}

interface Case {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  config?: unknown;
  files?: Record<string, string>;
  exit: 2 | 3;
  /** Expected in the message (text and JSON). */
  says: RegExp;
  /** What the JSON context names: the flag, variable or key. */
  context?: Record<string, unknown>;
}

const PEM_LIKE_GARBAGE = 'this is not a certificate\n';

const cases: Case[] = [
  {
    name: '--node without a scheme',
    args: ['alias', 'show', 'product-search', '--node', 'localhost:19200'],
    exit: 2,
    says: /--node: .*a node is a URL with a scheme/,
    context: { flag: '--node' },
  },
  {
    name: '--node with ftp://',
    args: ['alias', 'show', 'product-search', '--node', 'ftp://x'],
    exit: 2,
    says: /scheme "ftp" is not supported/,
    context: { flag: '--node' },
  },
  {
    name: '--node with a bad port',
    args: ['alias', 'show', 'product-search', '--node', 'http://x:99999'],
    exit: 2,
    says: /outside 1..65535/,
  },
  {
    name: '--brokers with a scheme',
    args: ['lag', 'product-search', '--brokers', 'http://x'],
    exit: 2,
    says: /--brokers: .*host:port, without a scheme/,
    context: { flag: '--brokers' },
  },
  {
    name: 'READMODEL_SEARCH_NODE without a scheme',
    args: ['alias', 'show', 'product-search'],
    env: { READMODEL_SEARCH_NODE: 'localhost:19200' },
    exit: 3,
    says: /READMODEL_SEARCH_NODE/,
    context: { env: 'READMODEL_SEARCH_NODE' },
  },
  {
    name: 'READMODEL_KAFKA_SSL=maybe',
    args: ['lag', 'product-search', '--brokers', '127.0.0.1:1'],
    env: { READMODEL_KAFKA_SSL: 'maybe' },
    exit: 3,
    says: /READMODEL_KAFKA_SSL: .*not a boolean/,
    context: { env: 'READMODEL_KAFKA_SSL' },
  },
  {
    name: 'an unknown SASL mechanism',
    args: ['lag', 'product-search', '--brokers', '127.0.0.1:1'],
    env: { READMODEL_KAFKA_SASL_MECHANISM: 'gssapi', READMODEL_KAFKA_SASL_USERNAME: 'svc', READMODEL_KAFKA_SASL_PASSWORD: 'pw' },
    exit: 3,
    says: /not a supported SASL mechanism/,
    context: { env: 'READMODEL_KAFKA_SASL_MECHANISM' },
  },
  {
    name: 'a CA file that is not PEM',
    args: ['alias', 'show', 'product-search', '--node', 'https://127.0.0.1:1'],
    config: { search: { caFile: 'certs/ca.pem' } },
    files: { 'certs/ca.pem': PEM_LIKE_GARBAGE },
    exit: 3,
    says: /CA file for search\.caFile is unusable: it is not a PEM certificate/,
    context: { key: 'search.caFile' },
  },
  {
    name: 'a misspelled model name in the config',
    args: ['config', 'show'],
    config: { models: { 'product-serch': { topic: 'x' } } },
    exit: 3,
    says: /did you mean "product-search"/,
    context: { key: 'models.product-serch' },
  },
  {
    name: 'an invalid topic in the config',
    args: ['config', 'show'],
    config: { models: { 'product-search': { topic: 'product events!' } } },
    exit: 3,
    says: /not a valid Kafka topic name/,
    context: { key: 'models.product-search.topic' },
  },
  {
    name: '--batch-size 0',
    args: ['rebuild', 'product-search', '--batch-size', '0', ...UNREACHABLE],
    exit: 2,
    says: /--batch-size must be at least 1/,
    context: { flag: '--batch-size' },
  },
  {
    name: '--topic with illegal characters',
    args: ['rebuild', 'product-search', '--topic', 'bad topic!', ...UNREACHABLE],
    exit: 2,
    says: /not a valid Kafka topic name/,
  },
  {
    name: 'replay --to-index with a wildcard',
    args: ['replay', 'product-search', '--aggregate-id', 'p1', '--to-index', 'product_search*', ...UNREACHABLE],
    exit: 2,
    says: /not a valid index name: .*wildcard/,
    context: { flag: '--to-index' },
  },
  {
    name: 'alias swap --to with a comma',
    args: ['alias', 'swap', 'product-search', '--to', 'a,b', ...UNREACHABLE],
    exit: 2,
    says: /not a valid index name/,
  },
  {
    name: 'diff --from with uppercase',
    args: ['diff', 'product-search', '--from', 'Product_Search', ...UNREACHABLE],
    exit: 2,
    says: /uppercase/,
  },
  {
    name: 'fixtures --invalid-rate out of range',
    args: ['fixtures', 'publish', 'product-search', '--invalid-rate', '2', ...UNREACHABLE],
    exit: 2,
    says: /--invalid-rate must be a number from 0 to 1/,
  },
  {
    name: 'lag serve --port out of range',
    args: ['lag', 'serve', '--port', '70000', ...UNREACHABLE],
    exit: 2,
    says: /--port must be a port in 0..65535/,
  },
];

function setUp(c: Case): string {
  if (!c.config) return emptyDir();
  const cwd = workspace(c.config);
  for (const [file, content] of Object.entries(c.files ?? {})) {
    mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
    writeFileSync(path.join(cwd, file), content);
  }
  return cwd;
}

describe('a user mistake in any input is a usage (2) or config (3) error, never a crash', () => {
  it.each(cases)('$name: text', async (c) => {
    const r = await runCli(c.args, { cwd: setUp(c), ...(c.env ? { env: c.env } : {}) });
    expectUserMistake(r, c.exit);
    expect(r.stderr).toMatch(c.says);
  });

  it.each(cases)('$name: --json', async (c) => {
    const r = await runCli([...c.args, '--json'], { cwd: setUp(c), ...(c.env ? { env: c.env } : {}) });
    expectUserMistake(r, c.exit);
    const e = JSON.parse(r.stdout);
    expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['error', 'exitCode', 'message']));
    expect(e.exitCode).toBe(c.exit);
    expect(typeof e.error).toBe('string');
    expect(e.message).toMatch(c.says);
    if (c.context) expect(e.context).toMatchObject(c.context);
  });

  it('a CA file path in the config resolves against the config file, not the working directory', async () => {
    const cwd = workspace({ search: { node: 'https://127.0.0.1:1', caFile: 'certs/ca.pem' } });
    const shown = await runCli(['config', 'show', '--json', '--config', path.join(cwd, 'readmodel.config.json')], { cwd: emptyDir() });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).search.caFile).toBe(path.join(cwd, 'certs/ca.pem'));
  });
});

describe('broken pipes', () => {
  it.each(['--help', 'rebuild --help', 'lag --help'])('readmodel %s | head -1: exit 0, no EPIPE noise', async (args) => {
    const r = await sh(`"${process.execPath}" "${BIN}" ${args} 2>"$ERR" | head -1 >/dev/null; echo "exit:\${PIPESTATUS[0]}"; cat "$ERR"`);
    expect(r).toBe('exit:0\n');
  });

  it('a reader that closes before the first byte is not a crash either', async () => {
    const r = await sh(`"${process.execPath}" "${BIN}" rebuild --help 2>"$ERR" | true; echo "exit:\${PIPESTATUS[0]}"; cat "$ERR"`);
    expect(r).toBe('exit:0\n');
  });
});

function sh(script: string): Promise<string> {
  const err = path.join(emptyDir(), 'stderr.txt');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ERR: err },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

describe('lag serve on a busy port', () => {
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('exits with a clear error instead of hanging', async () => {
    const r = await runCli(
      [
        'lag',
        'serve',
        'product-search',
        '--port',
        String(port),
        '--brokers',
        brokers().join(','),
        '--engine',
        'opensearch',
        '--node',
        nodeFor('opensearch'),
      ],
      {
        cwd: emptyDir(),
      },
    );
    expectUserMistake(r, 2);
    expect(r.stderr).toContain('error[LISTEN_FAILED]');
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    expect(r.stderr).toMatch(/pick another --port/);
  });
});

describe('a password with a space, # and / in the node URL', () => {
  const PASSWORD = 'p#ss w/rd';
  const url = (hostPort: string) => `http://admin:${PASSWORD}@${hostPort}`;
  const leaks = (s: string) => ['p#ss', 'w/rd', PASSWORD].some((p) => s.includes(p));

  it('is redacted by config show (flag and environment)', async () => {
    for (const opts of [{ args: ['--node', url('127.0.0.1:9200')] }, { args: [], env: { READMODEL_SEARCH_NODE: url('127.0.0.1:9200') } }]) {
      const r = await runCli(['config', 'show', '--json', ...opts.args], { cwd: emptyDir(), ...(opts.env ? { env: opts.env } : {}) });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).search).toMatchObject({ node: 'http://127.0.0.1:9200', username: 'admin', password: '***' });
      expect(leaks(r.stdout + r.stderr)).toBe(false);
      const text = await runCli(['config', 'show', ...opts.args], { cwd: emptyDir(), ...(opts.env ? { env: opts.env } : {}) });
      expect(leaks(text.stdout + text.stderr)).toBe(false);
    }
  });

  it('is redacted in errors about the URL itself', async () => {
    const r = await runCli(['alias', 'show', 'product-search', '--node', `ftp://admin:${PASSWORD}@x`, '--json'], { cwd: emptyDir() });
    expectUserMistake(r, 2);
    expect(JSON.parse(r.stdout).message).toContain('ftp://admin:***@x');
    expect(leaks(r.stdout + r.stderr)).toBe(false);
  });

  it('is redacted when the engine is unreachable (text and JSON)', async () => {
    for (const json of [true, false]) {
      const r = await runCli(
        ['alias', 'show', 'product-search', '--engine', 'opensearch', '--node', url('127.0.0.1:1'), ...(json ? ['--json'] : [])],
        { cwd: emptyDir() },
      );
      expect(r.code, r.stdout + r.stderr).toBe(6);
      expect(r.stdout + r.stderr).toContain('127.0.0.1:1');
      expect(leaks(r.stdout + r.stderr)).toBe(false);
    }
  }, 120_000);

  it('connects to a real engine without crashing', async () => {
    const node = new URL(nodeFor('opensearch'));
    const r = await runCli(['alias', 'show', 'product-search', '--engine', 'opensearch', '--node', url(node.host), '--json'], {
      cwd: emptyDir(),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toBe(false);
  });
});

describe('index names from every source are checked before anything is sent', () => {
  it('a model registered by module with a wildcard indexBase is refused (exit 3) and deletes nothing', async () => {
    const id = uniqueName('wild');
    const sink = sinkFor('opensearch');
    const decoy = `${id}_v1_decoy`;
    await sink.createIndex(decoy, {});
    try {
      const cwd = workspace({
        kafka: { brokers: brokers() },
        search: { engine: 'opensearch', node: nodeFor('opensearch') },
        models: { 'wild-orders': { module: './wild.mjs' } },
      });
      writeFileSync(
        path.join(cwd, 'wild.mjs'),
        `import { orderHistoryModel } from ${JSON.stringify(path.join(ROOT, 'dist/core/read-models/order-history/model.js'))};
export default { ...orderHistoryModel, topic: ${JSON.stringify(`t-${id}`)}, indexBase: ${JSON.stringify(`${id}*`)}, mappingFile: ${JSON.stringify(path.join(ROOT, 'mappings/order_history.v1.json'))} };
`,
      );
      const r = await runCli(['rebuild', 'wild-orders', '--json'], { cwd });
      expectUserMistake(r, 3);
      expect(JSON.parse(r.stdout)).toMatchObject({
        error: 'INVALID_NAME',
        context: { key: 'models.wild-orders.module (its indexBase)', value: `${id}*` },
      });
      expect(await sink.indexExists(decoy)).toBe(true);
    } finally {
      await sink.deleteIndex(decoy);
      await sink.close();
    }
  });

  it('replay --to-index with a typo creates no index (exit 2); an index another tool made is refused (exit 10)', async () => {
    const id = uniqueName('rt');
    const sink = sinkFor('opensearch');
    const foreign = `${id}_v1_foreign`;
    await sink.createIndex(foreign, {});
    try {
      const cwd = workspace({
        kafka: { brokers: brokers() },
        search: { engine: 'opensearch', node: nodeFor('opensearch') },
        models: { 'product-search': { topic: `t-${id}`, indexBase: id } },
      });
      const typo = `${id}_v1_typo`;
      const r = await runCli(['replay', 'product-search', '--aggregate-id', 'p0001', '--to-index', typo, '--json'], { cwd });
      expectUserMistake(r, 2);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: 'NO_SUCH_INDEX', context: { index: typo } });
      expect(await sink.indexExists(typo)).toBe(false);

      const f = await runCli(['replay', 'product-search', '--aggregate-id', 'p0001', '--to-index', foreign, '--json'], { cwd });
      expect(f.code, f.stdout + f.stderr).toBe(10);
      expect(JSON.parse(f.stdout)).toMatchObject({ error: 'NOT_OWNED', context: { index: foreign } });
      expect(await sink.count(foreign)).toBe(0);

      // A real build of the model, by name or through its alias, is accepted.
      const pub = await runCli(['fixtures', 'publish', 'product-search', '--count', '5', '--partitions', '1', '--json'], { cwd });
      expect(pub.code, pub.stderr).toBe(0);
      const rb = await runCli(['rebuild', 'product-search', '--swap', '--json'], { cwd });
      expect(rb.code, rb.stdout + rb.stderr).toBe(0);
      const built = JSON.parse(rb.stdout).manifest.index as string;
      for (const target of [built, `${id}_current`]) {
        // p1 is one of the five published products (ids p0..p5 are zero-padded to the count's width).
        const ok = await runCli(['replay', 'product-search', '--aggregate-id', 'p1', '--to-index', target, '--json'], { cwd });
        expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      }
    } finally {
      await sink.deleteIndex(foreign);
      for (const i of await sink.listIndices(`${id}_v*`)) await sink.deleteIndex(i.name);
      await sink.close();
    }
  });
});
