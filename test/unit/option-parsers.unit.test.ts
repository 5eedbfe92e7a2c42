import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  durationOption,
  indexNameOption,
  isoTimeOption,
  parseIntOption,
  parsePortOption,
  parsePositiveIntOption,
  parseShareOption,
  positiveDurationOption,
  topicNameOption,
} from '../../src/cli/command-kit.js';

describe('flag parsers', () => {
  it.each([
    [parseIntOption('--show'), '0', 0],
    [parseIntOption('--show'), ' 12 ', 12],
    [parsePositiveIntOption('--batch-size'), '1', 1],
    [parsePositiveIntOption('--batch-size'), '2000', 2000],
    [parsePortOption('--port'), '0', 0],
    [parsePortOption('--port'), '65535', 65535],
    [parseShareOption('--invalid-rate'), '0.05', 0.05],
    [parseShareOption('--invalid-rate'), '1', 1],
  ] as const)('accepts %#', (parse, v, n) => expect(parse(v)).toBe(n));

  it.each([
    [parseIntOption('--show'), '-1', /--show must be a whole number, got "-1"/],
    [parseIntOption('--show'), '1.5', /whole number/],
    [parseIntOption('--show'), '1e3', /whole number/],
    [parseIntOption('--show'), '0x10', /whole number/],
    [parseIntOption('--show'), '', /whole number/],
    [parseIntOption('--show'), '99999999999999999999', /whole number/],
    [parsePositiveIntOption('--batch-size'), '0', /--batch-size must be at least 1, got "0"/],
    [parsePositiveIntOption('--batch-size'), 'ten', /--batch-size must be a whole number/],
    [parsePortOption('--port'), '65536', /--port must be a port in 0..65535/],
    [parseShareOption('--invalid-rate'), '1.5', /--invalid-rate must be a number from 0 to 1/],
    [parseShareOption('--invalid-rate'), 'abc', /from 0 to 1/],
    [indexNameOption('--to-index'), 'orders*', /"orders\*" is not a valid index name: .*wildcard/],
    [indexNameOption('--to'), 'Product_Search', /uppercase/],
    [indexNameOption('--from'), 'a,b', /","/],
    [topicNameOption('--topic'), 'bad topic', /not a valid Kafka topic name/],
  ] as const)('refuses %#: %j', (parse, v, why) => {
    expect(() => parse(v)).toThrow(InvalidArgumentError);
    expect(() => parse(v)).toThrow(why);
  });

  it('passes good names through', () => {
    expect(indexNameOption('--to')('product_search_v1_3f9c2a7b1e')).toBe('product_search_v1_3f9c2a7b1e');
    expect(topicNameOption('--topic')('product-events')).toBe('product-events');
  });

  it('reads durations, "off" only where a threshold can be switched off', () => {
    expect(durationOption('--interval')('500ms')).toBe(500);
    expect(durationOption('--interval')('5m')).toBe(300_000);
    expect(durationOption('--max-time-lag', true)('off')).toBe(false);
    expect(() => durationOption('--interval')('off')).toThrow(/--interval must be a duration like 500ms/);
    expect(() => durationOption('--window')('soon')).toThrow(InvalidArgumentError);
  });

  it('wants a time limit longer than zero', () => {
    expect(positiveDurationOption('--max-sink-wait')('15m')).toBe(900_000);
    expect(() => positiveDurationOption('--max-sink-wait')('0s')).toThrow(/--max-sink-wait "0s" is not a positive duration/);
    expect(() => positiveDurationOption('--max-sink-wait')('soon')).toThrow(InvalidArgumentError);
  });

  it('reads ISO-8601 times and refuses anything else', () => {
    expect(isoTimeOption('--since')('2026-03-01T12:00:00Z').toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(() => isoTimeOption('--since')('yesterday')).toThrow(/--since is not an ISO-8601 time: "yesterday"/);
    expect(() => isoTimeOption('--since')(' ')).toThrow(InvalidArgumentError);
  });
});
