import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/core/contracts/ajv-factory.js';
import { createSeededRandom } from '../../src/core/fixtures/seeded-random.js';

type AjvCtor = typeof import('ajv/dist/2020.js').default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof import('ajv-formats').default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** The reference: ajv-formats alone. */
function referenceCheck(format: string) {
  const ajv = new Ajv2020({ strict: true });
  addFormats(ajv);
  return ajv.compile({ type: 'string', format });
}

const ours = (format: string) => createAjv().compile({ type: 'string', format });

const EDGE_DATE_TIMES = [
  '2026-01-01T00:05:15.631Z',
  '2026-01-01T00:05:15Z',
  '2024-02-29T12:00:00Z',
  '2023-02-29T12:00:00Z',
  '2100-02-29T12:00:00Z',
  '2000-02-29T12:00:00Z',
  '2024-04-31T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-00-10T00:00:00Z',
  '2024-01-00T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z',
  '2024-01-01T23:59:60Z',
  '2024-01-01T22:59:60Z',
  '2024-01-01T00:00:00.Z',
  '2024-01-01T00:00:00.1234567890Z',
  '2024-01-01t00:00:00z',
  '2024-01-01 00:00:00Z',
  '2024-01-01T00:00:00+02:00',
  '2024-01-01T00:00:00+0200',
  '2024-01-01T00:00:00-25:00',
  '2024-01-01T00:00:00',
  '2024-1-01T00:00:00Z',
  '+2024-01-01T00:00:00Z',
  '２０２４-01-01T00:00:00Z',
  '2024-01-01T00:00:00ZZ',
  '',
];

const EDGE_UUIDS = [
  '0f8fad5b-d9cb-469f-a165-70867728950e',
  '0F8FAD5B-D9CB-469F-A165-70867728950E',
  'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
  '0f8fad5b-d9cb-469f-a165-70867728950',
  '0f8fad5b-d9cb-469f-a165-70867728950g',
  '0f8fad5bd9cb-469f-a165-70867728950ee',
  '0f8fad5b-d9cb-469f-a165_70867728950e',
  '',
];

describe('the envelope formats answer exactly as ajv-formats does', () => {
  it('the fast paths are the ones installed (the comparison below is not ajv-formats against itself)', () => {
    const installed = createAjv().formats as Record<string, { validate?: unknown }>;
    expect(installed['date-time']?.validate).not.toBe((fullFormats['date-time'] as { validate: unknown }).validate);
    expect(installed.uuid?.validate).toBeTypeOf('function');
  });

  it.each(['date-time', 'uuid'])('%s: edge cases and seeded mutations of valid values', (format) => {
    const ref = referenceCheck(format);
    const fast = ours(format);
    const rnd = createSeededRandom(2026);
    const valid = (): string =>
      format === 'uuid'
        ? crypto.randomUUID()
        : new Date(rnd.int(-62_000_000_000_000, 253_000_000_000_000)).toISOString().replace(/\.000Z$/, rnd.int(0, 1) ? 'Z' : '.000Z');
    const alphabet = '0123456789-:.TtZz +abcdefABCDEFgG';
    const samples = [...(format === 'uuid' ? EDGE_UUIDS : EDGE_DATE_TIMES)];
    for (let i = 0; i < 4000; i++) {
      const v = valid();
      samples.push(v);
      const at = rnd.int(0, v.length - 1);
      samples.push(v.slice(0, at) + alphabet[rnd.int(0, alphabet.length - 1)] + v.slice(at + 1));
      samples.push(v.slice(0, at) + v.slice(at + 1));
    }
    let accepted = 0;
    for (const s of samples) {
      expect(fast(s), JSON.stringify(s)).toBe(ref(s));
      if (ref(s)) accepted++;
    }
    // Both verdicts are well represented, so the comparison means something.
    expect(accepted).toBeGreaterThan(samples.length / 3);
    expect(accepted).toBeLessThan(samples.length);
  });
});
