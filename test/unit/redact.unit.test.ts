import { describe, expect, it } from 'vitest';
import { redact, redactUrl } from '../../src/config/redact.js';

describe('secret redaction', () => {
  it('masks secret keys at any depth and credentials in URLs', () => {
    expect(
      redact({ kafka: { sasl: { username: 'u', password: 'p4ss' } }, search: { apiKey: 'k3y', node: ['https://admin:hunter2@es:9200'] } }),
    ).toEqual({ kafka: { sasl: { username: 'u', password: '***' } }, search: { apiKey: '***', node: ['https://admin:***@es:9200'] } });
    expect(redactUrl('see http://a:b@h:1/x')).toBe('see http://a:***@h:1/x');
  });

  it.each([
    ['http://admin:p#ss w/rd@es:9200 failed', 'http://admin:***@es:9200 failed'],
    ['x https://u:p@ss@h:1 y', 'x https://u:***@h:1 y'],
    ['http://u:a/b@h:1', 'http://u:***@h:1'],
    ['http://es:9200 and user@example', 'http://es:9200 and user@example'],
  ])('masks passwords with odd characters: %j', (s, shown) => {
    expect(redactUrl(s)).toBe(shown);
  });
});
