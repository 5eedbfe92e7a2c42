import { describe, it, expect } from 'vitest';
import {
  ancestors,
  firstUntraversable,
  parseFdinfoFlags,
  parseJavaMajorVersion,
  parsePasswdLine,
  parseProcStatStartTime,
  parseServiceState,
  parseSsListeners,
  renderServiceState,
  servicePaths,
  survivesExec,
  tailLines,
} from '../../src/sandbox/state.js';
import type { ServiceState } from '../../src/sandbox/state.js';

const state: ServiceState = {
  schema: 1,
  service: 'kafka',
  pid: 4242,
  procStart: '123456',
  port: 19092,
  internalPort: 19093,
  version: '4.1.1',
  endpoint: '127.0.0.1:19092',
  logFile: '/s/kafka/logs/server.log',
  dataDir: '/s/kafka/data',
  startedAt: '2025-01-01T00:00:00.000Z',
  user: null,
  java: '17 /usr/lib/jvm/java-17-openjdk-amd64',
};

describe('state file', () => {
  it('round-trips', () => {
    expect(parseServiceState(renderServiceState(state), 'kafka')).toEqual(state);
  });

  it('treats anything malformed or foreign as "nothing recorded"', () => {
    expect(parseServiceState('', 'kafka')).toBeUndefined();
    expect(parseServiceState('[]', 'kafka')).toBeUndefined();
    expect(parseServiceState(renderServiceState(state), 'opensearch')).toBeUndefined();
    expect(parseServiceState(JSON.stringify({ ...state, schema: 2 }), 'kafka')).toBeUndefined();
    expect(parseServiceState(JSON.stringify({ ...state, pid: 1 }), 'kafka')).toBeUndefined();
    expect(parseServiceState(JSON.stringify({ ...state, pid: '4242' }), 'kafka')).toBeUndefined();
    expect(parseServiceState(JSON.stringify({ ...state, port: 70000 }), 'kafka')).toBeUndefined();
    const { logFile: _dropped, ...noLog } = state;
    expect(parseServiceState(JSON.stringify(noLog), 'kafka')).toBeUndefined();
  });

  it('tolerates a missing procStart (written off Linux)', () => {
    const { procStart: _p, ...rest } = state;
    expect(parseServiceState(JSON.stringify(rest), 'kafka')?.procStart).toBeNull();
  });
});

describe('layout', () => {
  it('keeps each service in its own dir', () => {
    const k = servicePaths('/s', 'kafka');
    expect(k.stateFile).toBe('/s/kafka/state.json');
    expect(k.pidFile).toBe('/s/kafka/kafka.pid');
    expect(k.logFile).toBe('/s/kafka/logs/server.log');
    expect(k.configDir).toBe('/s/kafka/config');
    const os = servicePaths('/s', 'opensearch');
    expect(os.configDir).toBe('/s/opensearch/home/config');
    expect(os.logFile).toBe('/s/opensearch/logs/readmodel-sandbox-opensearch.log');
    expect(os.consoleLog).toBe('/s/opensearch/logs/console.log');
  });
});

describe('/proc parsing', () => {
  // Field 2 may contain spaces and parentheses.
  const stat =
    '2367 (java (weird) x) S 1 2367 2367 0 -1 4194560 93426 0 12 0 853 103 0 0 20 0 61 0 7719 3222876160 82817 18446744073709551615';

  it('reads the start time (field 22)', () => {
    expect(parseProcStatStartTime(stat)).toBe('7719');
    expect(parseProcStatStartTime('garbage')).toBeUndefined();
    expect(parseProcStatStartTime('1 (x) S 1 2')).toBeUndefined();
  });

  it('finds fds that would leak through exec', () => {
    expect(parseFdinfoFlags('pos:\t0\nflags:\t01\nmnt_id:\t16\n')).toBe(1);
    expect(parseFdinfoFlags('pos:\t0\nflags:\t02000002\n')).toBe(0o2000002);
    expect(parseFdinfoFlags('nothing')).toBeUndefined();
    expect(survivesExec(0o1)).toBe(true);
    expect(survivesExec(0o2000002)).toBe(false);
  });
});

describe('host facts', () => {
  it('parses passwd entries', () => {
    expect(parsePasswdLine('readmodel:x:999:995::/home/readmodel:/usr/sbin/nologin\n')).toEqual({
      name: 'readmodel',
      uid: 999,
      gid: 995,
      home: '/home/readmodel',
      shell: '/usr/sbin/nologin',
    });
    expect(parsePasswdLine('broken:x:abc:1::/:/bin/sh')).toBeUndefined();
    expect(parsePasswdLine('')).toBeUndefined();
  });

  it('reads the Java major version from a release file or java -version', () => {
    expect(parseJavaMajorVersion('IMPLEMENTOR="Debian"\nJAVA_VERSION="17.0.15"\n')).toBe(17);
    expect(parseJavaMajorVersion('openjdk version "21.0.2" 2024-01-16')).toBe(21);
    expect(parseJavaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajorVersion('no version here')).toBeUndefined();
  });

  it('finds who listens on a port in ss output', () => {
    const ss = [
      'LISTEN 0      50     [::ffff:127.0.0.1]:19092            *:*    users:(("java",pid=2367,fd=96))',
      'LISTEN 0      50     [::ffff:127.0.0.1]:19093            *:*    users:(("java",pid=2367,fd=66))',
      'LISTEN 0      4096   0.0.0.0:8080            0.0.0.0:*    users:(("nginx",pid=10,fd=6),("nginx",pid=11,fd=6))',
    ].join('\n');
    expect(parseSsListeners(ss, 19092)).toEqual([{ command: 'java', pid: 2367 }]);
    expect(parseSsListeners(ss, 8080)).toEqual([
      { command: 'nginx', pid: 10 },
      { command: 'nginx', pid: 11 },
    ]);
    expect(parseSsListeners(ss, 1909)).toEqual([]);
  });

  it('spots a directory the service user cannot traverse', () => {
    const user = { uid: 999, gid: 995 };
    const chain = ancestors('/root/work/sandbox').map((p) => ({
      path: p,
      mode: p === '/root' ? 0o40700 : 0o40755,
      uid: 0,
      gid: 0,
    }));
    expect(chain.map((c) => c.path)).toEqual(['/', '/root', '/root/work', '/root/work/sandbox']);
    expect(firstUntraversable(chain, user)?.path).toBe('/root');
    expect(firstUntraversable(chain, { uid: 0, gid: 0 })).toBeUndefined();
    // Owned by the user: the owner bits count.
    expect(firstUntraversable([{ path: '/x', mode: 0o40700, uid: 999, gid: 0 }], user)).toBeUndefined();
    // Group access.
    expect(firstUntraversable([{ path: '/x', mode: 0o40750, uid: 0, gid: 995 }], user)).toBeUndefined();
  });

  it('tails logs', () => {
    expect(tailLines('a\nb\nc\n\n', 2)).toEqual(['b', 'c']);
    expect(tailLines('a\r\nb', 5)).toEqual(['a', 'b']);
    expect(tailLines('', 3)).toEqual([]);
  });
});
