import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkBroker,
  checkNodeUrl,
  checkPemCertificate,
  checkSaslMechanism,
  redactNodeUrl,
} from '../../src/config/config-values.js';

const problem = (c: { value: unknown } | { problem: string }) => ('problem' in c ? c.problem : undefined);

describe('brokers', () => {
  it.each(['kafka-1:9092', '127.0.0.1:19092', '[::1]:9092', ' k:1 ', 'k:65535'])('accepts %j', (b) =>
    expect(checkBroker(b)).toEqual({ value: b.trim() }),
  );
  it.each([
    ['http://x', /without a scheme/],
    ['kafka-1', /host:port/],
    ['kafka-1:', /port "" is not a number/],
    ['kafka-1:abc', /not a number/],
    ['kafka-1:0', /outside 1..65535/],
    ['kafka-1:70000', /outside 1..65535/],
    ['a b:1', /host:port/],
    ['a:1:2', /host:port/],
  ])('refuses %j', (b, why) => expect(problem(checkBroker(b))).toMatch(why));
});

describe('node URLs', () => {
  it.each([
    ['http://127.0.0.1:19200', { url: 'http://127.0.0.1:19200' }],
    ['https://es-1:9200/', { url: 'https://es-1:9200' }],
    ['HTTPS://es-1', { url: 'https://es-1' }],
    ['https://proxy:443/es/', { url: 'https://proxy/es' }],
    ['http://elastic:changeme@es:9200', { url: 'http://es:9200', username: 'elastic', password: 'changeme' }],
    ['http://admin:p#ss w/rd@es:9200', { url: 'http://es:9200', username: 'admin', password: 'p#ss w/rd' }],
    ['http://admin:a@b@es:9200', { url: 'http://es:9200', username: 'admin', password: 'a@b' }],
    ['http://admin:p%23ss%2F@es:9200', { url: 'http://es:9200', username: 'admin', password: 'p#ss/' }],
    ['http://admin:100%@es:9200', { url: 'http://es:9200', username: 'admin', password: '100%' }],
    ['http://user@es:9200', { url: 'http://es:9200', username: 'user' }],
  ])('accepts %j', (n, value) => expect(checkNodeUrl(n)).toEqual({ value }));
  it.each([
    ['localhost:19200', /with a scheme/],
    ['es-1', /with a scheme/],
    ['ftp://x', /scheme "ftp" is not supported/],
    ['http://x:99999', /outside 1..65535/],
    ['http://x:0', /outside 1..65535/],
    ['http://x:port', /not a number/],
    ['http://', /no host|not a valid URL/],
    ['http://x:9200/?a=1', /no query/],
    ['http://x:9200/#frag', /no query/],
  ])('refuses %j', (n, why) => expect(problem(checkNodeUrl(n))).toMatch(why));

  it.each([
    ['http://admin:p#ss w/rd@es:9200', 'http://admin:***@es:9200'],
    ['http://admin:a@b@es:9200', 'http://admin:***@es:9200'],
    ['http://es:9200', 'http://es:9200'],
    ['localhost:1', 'localhost:1'],
  ])('redacts %j for display', (n, shown) => expect(redactNodeUrl(n)).toBe(shown));
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
  ])('%j is %s', (s, v) => expect(checkBoolean(s)).toEqual({ value: v }));
  it.each(['maybe', '', '2', 'truee'])('refuses %j', (s) => expect(problem(checkBoolean(s))).toMatch(/not a boolean: use true or false/));
});

describe('SASL mechanisms', () => {
  it.each([
    ['plain', 'plain'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['scram-sha-512', 'scram-sha-512'],
  ])('%j -> %j', (s, v) => expect(checkSaslMechanism(s)).toEqual({ value: v }));
  it.each(['gssapi', 'scram', ''])('refuses %j', (s) =>
    expect(problem(checkSaslMechanism(s))).toMatch(/use plain, scram-sha-256, scram-sha-512/),
  );
});

describe('PEM certificates', () => {
  it('accepts a PEM certificate block', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(checkPemCertificate(pem)).toEqual({ value: pem });
  });
  it.each(['', 'not a certificate', '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----', '\u0030\u0082\u0001\u000a'])(
    'refuses %j',
    (c) => expect(problem(checkPemCertificate(c))).toMatch(/not a PEM certificate/),
  );
});
