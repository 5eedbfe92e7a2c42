import { describe, expect, it } from 'vitest';
import { clientOptions } from '../../src/adapters/kafka/kafka-client-options.js';

describe('clientOptions: our Kafka connection settings as the client takes them', () => {
  it('maps brokers, client id and timeouts, and never lets the client create topics', () => {
    const o = clientOptions({ brokers: ['a:9092', 'b:9092'], clientId: 'ops', connectionTimeoutMs: 1500, requestTimeoutMs: 9000 });
    expect(o).toMatchObject({
      clientId: 'ops',
      bootstrapBrokers: ['a:9092', 'b:9092'],
      connectTimeout: 1500,
      requestTimeout: 9000,
      autocreateTopics: false,
    });
    expect(o.tls).toBeUndefined();
    expect(o.sasl).toBeUndefined();
  });

  it('maps TLS (on, or with a CA and verification choice) and SASL mechanisms by their Kafka names', () => {
    expect(clientOptions({ brokers: ['a:9093'], ssl: true }).tls).toEqual({});
    expect(clientOptions({ brokers: ['a:9093'], ssl: { ca: 'PEM', rejectUnauthorized: false } }).tls).toEqual({
      ca: 'PEM',
      rejectUnauthorized: false,
    });
    for (const [ours, theirs] of [
      ['plain', 'PLAIN'],
      ['scram-sha-256', 'SCRAM-SHA-256'],
      ['scram-sha-512', 'SCRAM-SHA-512'],
    ] as const) {
      expect(clientOptions({ brokers: ['a:9093'], sasl: { mechanism: ours, username: 'u', password: 'p' } }).sasl).toEqual({
        mechanism: theirs,
        username: 'u',
        password: 'p',
      });
    }
  });

  it('backs off from 200 ms to at most 2 s between retries, so a dead cluster is reported within seconds', () => {
    const delay = clientOptions({ brokers: ['a:9092'] }).retryDelay as (c: object, op: string, attempt: number) => number;
    expect([1, 2, 3, 4, 5, 6].map((a) => delay({}, 'op', a))).toEqual([200, 400, 800, 1600, 2000, 2000]);
  });
});
