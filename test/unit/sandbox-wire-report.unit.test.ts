import { describe, it, expect } from 'vitest';
import { API_VERSIONS_KEY, decodeApiVersionsResponse, encodeApiVersionsRequest } from '../../src/sandbox/kafka-wire.js';
import { formatDownResult, formatStatusResult, formatUpResult } from '../../src/sandbox/report.js';
import type { StatusResult, UpResult } from '../../src/sandbox/types.js';

describe('Kafka ApiVersions probe encoding', () => {
  it('encodes a size-prefixed v0 request', () => {
    const buf = encodeApiVersionsRequest(7, 'probe');
    expect(buf.readInt32BE(0)).toBe(buf.length - 4);
    expect(buf.readInt16BE(4)).toBe(API_VERSIONS_KEY);
    expect(buf.readInt16BE(6)).toBe(0);
    expect(buf.readInt32BE(8)).toBe(7);
    expect(buf.readInt16BE(12)).toBe(5);
    expect(buf.subarray(14).toString()).toBe('probe');
  });

  function response(correlationId: number, errorCode: number, apis: Array<[number, number, number]>): Buffer {
    const body = Buffer.alloc(4 + 2 + 4 + apis.length * 6);
    body.writeInt32BE(correlationId, 0);
    body.writeInt16BE(errorCode, 4);
    body.writeInt32BE(apis.length, 6);
    apis.forEach(([k, min, max], i) => {
      body.writeInt16BE(k, 10 + i * 6);
      body.writeInt16BE(min, 12 + i * 6);
      body.writeInt16BE(max, 14 + i * 6);
    });
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return Buffer.concat([size, body]);
  }

  it('decodes a complete response and waits for a partial one', () => {
    const full = response(7, 0, [
      [0, 3, 12],
      [18, 0, 4],
    ]);
    expect(decodeApiVersionsResponse(full.subarray(0, 9))).toBeUndefined();
    expect(decodeApiVersionsResponse(full)).toEqual({
      correlationId: 7,
      errorCode: 0,
      apis: [
        { apiKey: 0, minVersion: 3, maxVersion: 12 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
    expect(decodeApiVersionsResponse(response(7, 35, []))?.errorCode).toBe(35);
  });

  it('rejects a frame that cannot be Kafka (e.g. an HTTP server on the port)', () => {
    expect(() => decodeApiVersionsResponse(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/implausible/);
  });
});

describe('reports', () => {
  const up: UpResult = {
    stateDir: '/s',
    cacheDir: '/c',
    endpoints: { kafkaBrokers: '127.0.0.1:19092', opensearchUrl: 'http://127.0.0.1:19200', elasticsearchUrl: 'x' },
    services: [
      {
        service: 'kafka',
        action: 'started',
        pid: 10,
        endpoint: '127.0.0.1:19092',
        port: 19092,
        internalPort: 19093,
        version: '4.1.1',
        java: '17 /usr/lib/jvm/java-17-openjdk-amd64',
        logFile: '/s/kafka/logs/server.log',
        dataDir: '/s/kafka/data',
        elapsedMs: 3456,
        fetchMs: 0,
      },
      {
        service: 'opensearch',
        action: 'reused',
        pid: 11,
        endpoint: 'http://127.0.0.1:19200',
        port: 19200,
        internalPort: 19300,
        version: '2.19.3',
        java: null,
        logFile: '/s/os.log',
        dataDir: '/s/os',
        elapsedMs: 20,
        fetchMs: 0,
      },
    ],
  };

  it('lists where each service listens', () => {
    const lines = formatUpResult(up);
    expect(lines[0]).toMatch(/^kafka\s+started\s+127\.0\.0\.1:19092\s+pid 10\s+4\.1\.1\s+Java 17\s+3\.5 s$/);
    expect(lines[1]).toMatch(/^opensearch\s+reused\s+http:\/\/127\.0\.0\.1:19200\s+pid 11\s+2\.19\.3$/);
    expect(lines).toContain('kafka log: /s/kafka/logs/server.log');
  });

  it('shows status with notes', () => {
    const st: StatusResult = {
      stateDir: '/s',
      cacheDir: '/c',
      services: [
        {
          service: 'elasticsearch',
          status: 'stopped',
          pid: null,
          endpoint: 'http://127.0.0.1:19201',
          port: 19201,
          version: '8.19.7',
          java: null,
          logFile: '/l',
          startedAt: null,
          note: 'port 19201 is held by a process this sandbox did not start',
        },
      ],
    };
    const lines = formatStatusResult(st);
    expect(lines[0]).toMatch(/^SERVICE\s+STATUS\s+PID\s+ENDPOINT/);
    expect(lines[1]).toMatch(/^elasticsearch\s+stopped\s+-\s+http/);
    expect(lines[2]).toContain('held by a process');
  });

  it('shows the Java each running service runs on as its major, "-" when stopped or not known', () => {
    const running = (service: 'kafka' | 'opensearch', pid: number, java: string | null) => ({
      service,
      status: 'running' as const,
      pid,
      endpoint: service === 'kafka' ? '127.0.0.1:19092' : 'http://127.0.0.1:19200',
      port: service === 'kafka' ? 19092 : 19200,
      version: service === 'kafka' ? '4.4.0' : '3.8.0',
      java,
      logFile: `/s/${service}.log`,
      startedAt: '2026-12-01T20:00:00.000Z',
      note: null,
    });
    const st: StatusResult = {
      stateDir: '/s',
      cacheDir: '/c',
      services: [
        running('kafka', 10, '17 /usr/lib/jvm/java-17-openjdk-amd64'),
        running('opensearch', 11, null),
        {
          service: 'elasticsearch',
          status: 'stopped',
          pid: null,
          endpoint: 'http://127.0.0.1:19201',
          port: 19201,
          version: '9.5.0',
          java: null,
          logFile: '/s/es.log',
          startedAt: null,
          note: null,
        },
      ],
    };
    expect(formatStatusResult(st)).toEqual([
      'SERVICE        STATUS   PID  ENDPOINT                VERSION  JAVA  LOG',
      'kafka          running  10   127.0.0.1:19092         4.4.0    17    /s/kafka.log',
      'opensearch     running  11   http://127.0.0.1:19200  3.8.0    -     /s/opensearch.log',
      'elasticsearch  stopped  -    http://127.0.0.1:19201  9.5.0    -     /s/es.log',
    ]);
  });

  it('reports down actions', () => {
    expect(formatDownResult({ stateDir: '/s', services: [{ service: 'kafka', action: 'killed', pid: 5, purged: true }] })).toEqual([
      'kafka  killed  pid 5  data purged',
    ]);
  });
});
