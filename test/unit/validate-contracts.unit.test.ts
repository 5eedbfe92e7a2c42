import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidationInputs } from '../../src/app/validate-contracts/inputs.js';
import { displayPath, loadValidationInputs } from '../../src/app/validate-contracts/load-inputs.js';
import type { CheckId, ValidateContractsReport } from '../../src/app/validate-contracts/report.js';
import { runValidateContracts } from '../../src/app/validate-contracts/run-validate-contracts.js';
import { validateContracts } from '../../src/app/validate-contracts/validate-contracts.js';
import { ValidationFailedError } from '../../src/app/validate-contracts/validation-failed-error.js';
import { renderGithub, renderJunit, renderText } from '../../src/cli/output/report-formats.js';
import { ExitCode, UsageError } from '../../src/core/errors.js';
import type { Projection } from '../../src/core/projections/projection.js';
import { builtInModels } from '../../src/core/read-models/catalog.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { ROOT } from '../support/contracts.js';

type S = Record<string, unknown>;
const envelope = JSON.parse(readFileSync(path.join(ROOT, 'contracts/envelope.v1.json'), 'utf8')) as S;

// --- an invented read model: widgets, so the checks are tested apart from the shipped models ---------

const widgetProjection: Projection = {
  name: 'widgets',
  version: 1,
  aggregateType: 'Widget',
  handles: ['WidgetMade', 'WidgetRenamed'],
  idField: 'widgetId',
  documentId: (e) => e.aggregateId,
  apply(doc, e) {
    const d = e.data as S;
    if (e.eventType === 'WidgetMade')
      return { widgetId: e.aggregateId, name: d.name, specs: { size: d.size, tags: d.tags ?? [] }, extra: { any: { deep: 1 } } };
    return doc && { ...doc, name: d.name };
  },
};

function widgetModel(over: Partial<Projection> = {}): ReadModelDefinition {
  return {
    name: 'widgets',
    projection: { ...widgetProjection, ...over },
    upcasters: [],
    mappingFile: 'mappings/widgets.v1.json',
    topic: 'widget-events',
    consumerGroup: 'readmodel.widgets',
    indexBase: 'widgets',
    smokeQueries: [],
  };
}

function contract(eventType: string, version: number, properties: S, extra: S = {}): S {
  const snake = eventType.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://example.test/contracts/events/${snake}.v${version}.json`,
    title: eventType,
    'x-readmodel': { eventType, version, aggregateType: 'Widget' },
    type: 'object',
    properties,
    additionalProperties: false,
    ...extra,
  };
}

const widgetMade = contract(
  'WidgetMade',
  1,
  { name: { type: 'string' }, size: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
  { required: ['name'] },
);
const widgetRenamed = contract('WidgetRenamed', 1, { name: { type: 'string', maxLength: 50 } }, { required: ['name'] });

let seq = 0;
function event(eventType: string, aggregateId: string, aggregateVersion: number, data: S, eventVersion = 1): S {
  seq++;
  return {
    eventId: `6f1c2a34-5b7d-4e8f-9a0b-${String(seq).padStart(12, '0')}`,
    eventType,
    eventVersion,
    aggregateType: 'Widget',
    aggregateId,
    aggregateVersion,
    occurredAt: '2026-01-01T10:00:00.000Z',
    data,
  };
}

const mapping = (): S => ({
  settings: { analysis: { analyzer: { widget_text: { type: 'custom', tokenizer: 'standard', filter: ['lowercase'] } } } },
  mappings: {
    dynamic: 'strict',
    properties: {
      widgetId: { type: 'keyword' },
      name: { type: 'text', analyzer: 'widget_text', fields: { raw: { type: 'keyword', normalizer: 'lowercase', ignore_above: 256 } } },
      specs: { type: 'object', properties: { size: { type: 'integer' }, tags: { type: 'keyword', ignore_above: 1024 } } },
      extra: { type: 'object', enabled: false },
      lastAggregateVersion: { type: 'long' },
      lastEventAt: { type: 'date' },
    },
  },
});

function widgetInputs(
  over: { events?: Record<string, S>; stream?: S[]; invalid?: Record<string, unknown>; mapping?: S } = {},
): ValidationInputs {
  const events = over.events ?? { 'widget_made.v1.json': widgetMade, 'widget_renamed.v1.json': widgetRenamed };
  const stream = over.stream ?? [
    event('WidgetMade', 'w1', 1, { name: 'Bolt', size: 3, tags: ['steel'] }),
    event('WidgetRenamed', 'w1', 2, { name: 'Big bolt' }),
  ];
  return {
    contractsDir: 'contracts',
    fixturesDir: 'fixtures',
    envelope: { name: 'envelope.v1.json', file: 'contracts/envelope.v1.json', json: envelope },
    events: Object.entries(events).map(([f, json]) => ({ name: `events/${f}`, file: `contracts/events/${f}`, json })),
    fixtures: [
      {
        model: 'widgets',
        dir: 'fixtures/widgets',
        stream: { file: 'fixtures/widgets/events.ndjson', lines: stream.map((json, i) => ({ line: i + 1, json })) },
        invalid: Object.entries(over.invalid ?? {}).map(([f, json]) => ({ file: `fixtures/widgets/invalid/${f}`, json })),
      },
    ],
    mappings: [{ model: 'widgets', file: 'mappings/widgets.v1.json', json: over.mapping ?? mapping() }],
  };
}

function itemsOf(r: ValidateContractsReport, id: CheckId) {
  return r.checks.find((c) => c.id === id)!.items;
}

function violationsOf(r: ValidateContractsReport, id: CheckId) {
  return itemsOf(r, id).flatMap((i) => i.violations);
}

// -------------------------------------------------------------------------------------------------

describe('validate-contracts on the shipped contracts, fixtures and mappings', () => {
  it('passes, with PriceUpdated v1 -> v2 skipped as a declared NONE break', async () => {
    const r = await runValidateContracts(
      { contractsDir: path.join(ROOT, 'contracts'), fixturesDir: path.join(ROOT, 'fixtures'), packageRoot: ROOT, cwd: ROOT },
      { models: builtInModels },
    );
    expect(r.ok, renderText(r)).toBe(true);
    expect(r.summary.failed).toBe(0);
    expect(itemsOf(r, 'compatibility')).toContainEqual(
      expect.objectContaining({ name: 'PriceUpdated v1 -> v2 (NONE)', status: 'skipped' }),
    );
    expect(itemsOf(r, 'schemas').map((i) => i.name)).toContain('contracts/events/price_updated.v2.json');
    expect(itemsOf(r, 'mappings').every((i) => i.status === 'passed')).toBe(true);
    // The whole shipped validation (every schema compiled, every fixture folded, four engines per
    // mapping) takes a few seconds on a busy 2-core machine: more than vitest's default 5 s allows.
  }, 60_000);

  it('a missing folder is a usage error (exit 2), not a report', async () => {
    const err = await loadValidationInputs({
      contractsDir: '/nonexistent/contracts',
      fixturesDir: ROOT,
      packageRoot: ROOT,
      cwd: ROOT,
      models: [],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(ExitCode.usage);
  });

  it('shows paths relative to the working directory when inside it', () => {
    expect(displayPath('/a/b/contracts/x.json', '/a/b')).toBe('contracts/x.json');
    expect(displayPath('/tmp/x.json', '/a/b')).toBe('/tmp/x.json');
  });
});

describe('(a) schemas', () => {
  it('the invented model passes every check', () => {
    const r = validateContracts(widgetInputs(), [widgetModel()]);
    expect(r.ok, renderText(r)).toBe(true);
  });

  it('reports strict-mode refusals and naming mismatches with pointer and rule', () => {
    const bad = structuredClone(widgetRenamed) as S;
    bad.title = 'WidgetRetitled';
    bad.$id = 'https://example.test/contracts/events/widget_renamed.v2.json';
    (bad['x-readmodel'] as S).version = 3;
    ((bad.properties as S).name as S).maxLenght = 5;
    const r = validateContracts(widgetInputs({ events: { 'widget_made.v1.json': widgetMade, 'widget_renamed.v1.json': bad } }), [
      widgetModel(),
    ]);
    const v = violationsOf(r, 'schemas').map(({ file, pointer, rule }) => ({ file, pointer, rule }));
    expect(v).toEqual(
      expect.arrayContaining([
        { file: 'contracts/events/widget_renamed.v1.json', pointer: '/properties/name/maxLenght', rule: 'strict' },
        { file: 'contracts/events/widget_renamed.v1.json', pointer: '/$id', rule: 'id-mismatch' },
        { file: 'contracts/events/widget_renamed.v1.json', pointer: '/title', rule: 'title-mismatch' },
        { file: 'contracts/events/widget_renamed.v1.json', pointer: '/x-readmodel/version', rule: 'version-mismatch' },
      ]),
    );
    expect(r.ok).toBe(false);
    // The rejected contract is not blamed again as missing under coverage.
    expect(itemsOf(r, 'coverage').find((i) => i.name === 'WidgetRenamed')).toMatchObject({ status: 'skipped' });
  });

  it('locates an invalid x-readmodel value, an invalid keyword value and an unresolvable $ref', () => {
    const badMode = structuredClone(widgetMade) as S;
    (badMode['x-readmodel'] as S).compatibility = 'SIDEWAYS';
    const badType = contract('WidgetRenamed', 1, { name: { type: 'strin' } });
    const badRef = contract('WidgetMade', 2, { name: { $ref: '#/$defs/nope' } });
    const r = validateContracts(
      widgetInputs({ events: { 'widget_made.v1.json': badMode, 'widget_made.v2.json': badRef, 'widget_renamed.v1.json': badType } }),
      [widgetModel()],
    );
    const v = violationsOf(r, 'schemas').map(({ file, pointer, rule }) => ({ file, pointer, rule }));
    expect(v).toEqual(
      expect.arrayContaining([
        { file: 'contracts/events/widget_made.v1.json', pointer: '/x-readmodel/compatibility', rule: 'x-readmodel' },
        { file: 'contracts/events/widget_renamed.v1.json', pointer: '/properties/name/type', rule: 'metaschema' },
        { file: 'contracts/events/widget_made.v2.json', pointer: '/properties/name/$ref', rule: '$ref' },
      ]),
    );
  });

  it('reports duplicate $ids, version gaps and badly named files', () => {
    const v3 = contract('WidgetMade', 3, { name: { type: 'string' } }, { required: ['name'] });
    const dup = { ...contract('WidgetRenamed', 1, {}), $id: widgetMade.$id };
    const r = validateContracts(
      widgetInputs({
        events: {
          'widget_made.v1.json': widgetMade,
          'widget_made.v3.json': v3,
          'widget_renamed.v1.json': dup,
          'WidgetOops.json': widgetMade,
        },
      }),
      [widgetModel()],
    );
    const v = violationsOf(r, 'schemas');
    expect(v).toContainEqual(
      expect.objectContaining({ file: 'contracts/events/widget_made.v3.json', rule: 'version-gap', pointer: '/x-readmodel/version' }),
    );
    expect(v).toContainEqual(
      expect.objectContaining({
        file: 'contracts/events/widget_renamed.v1.json',
        otherFile: 'contracts/events/widget_made.v1.json',
        rule: 'duplicate-id',
      }),
    );
    expect(v).toContainEqual(expect.objectContaining({ file: 'contracts/events/WidgetOops.json', rule: 'file-name' }));
  });
});

describe('(b) fixtures', () => {
  it('an invalid stream line names its line, pointer and rule, and the schema it failed', () => {
    const r = validateContracts(
      widgetInputs({ stream: [event('WidgetMade', 'w1', 1, { name: 'Bolt' }), event('WidgetRenamed', 'w1', 2, { name: 7 })] }),
      [widgetModel()],
    );
    expect(violationsOf(r, 'fixtures')).toEqual([
      expect.objectContaining({
        file: 'fixtures/widgets/events.ndjson',
        line: 2,
        pointer: '/data/name',
        rule: 'type',
        otherFile: 'contracts/events/widget_renamed.v1.json',
      }),
    ]);
  });

  it('an invalid fixture must fail exactly as documented', () => {
    const fixture = (expect_: S, data: S) => ({
      reason: 'names are strings',
      expect: expect_,
      event: event('WidgetRenamed', 'w9', 2, data),
    });
    const r = validateContracts(
      widgetInputs({
        invalid: {
          'as-documented.json': fixture({ pointer: '/data/name', rule: 'type' }, { name: 7 }),
          'validates.json': fixture({ pointer: '/data/name', rule: 'type' }, { name: 'fine' }),
          'elsewhere.json': fixture({ pointer: '/data/name', rule: 'maxLength' }, { name: 7 }),
          'malformed.json': { reason: 'no expectation' },
        },
      }),
      [widgetModel()],
    );
    const byFile = Object.fromEntries(itemsOf(r, 'fixtures').map((i) => [i.name, i]));
    expect(byFile['fixtures/widgets/invalid/as-documented.json']!.status).toBe('passed');
    expect(byFile['fixtures/widgets/invalid/validates.json']!.violations).toEqual([
      expect.objectContaining({ rule: 'expected-invalid', pointer: '/event' }),
    ]);
    expect(byFile['fixtures/widgets/invalid/elsewhere.json']!.violations).toEqual([
      expect.objectContaining({ rule: 'wrong-failure', pointer: '/expect' }),
    ]);
    expect(byFile['fixtures/widgets/invalid/malformed.json']!.violations).toEqual([expect.objectContaining({ rule: 'fixture-format' })]);
  });

  it('a model without fixtures, and fixtures without a model, are violations', () => {
    const inputs = widgetInputs();
    inputs.fixtures[0]!.model = 'gadgets';
    const r = validateContracts(inputs, [widgetModel()]);
    const rules = violationsOf(r, 'fixtures').map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(['unknown-model', 'missing-fixtures']));
  });
});

describe('(c) compatibility', () => {
  it('names both files, the pointer and the rule of an incompatible step', () => {
    const v2 = contract('WidgetRenamed', 2, { name: { type: 'string', maxLength: 20 } }, { required: ['name'] });
    const r = validateContracts(
      widgetInputs({
        events: { 'widget_made.v1.json': widgetMade, 'widget_renamed.v1.json': widgetRenamed, 'widget_renamed.v2.json': v2 },
      }),
      [widgetModel()],
    );
    expect(itemsOf(r, 'compatibility')).toEqual([
      {
        name: 'WidgetRenamed v1 -> v2 (BACKWARD)',
        status: 'failed',
        violations: [
          {
            file: 'contracts/events/widget_renamed.v2.json',
            otherFile: 'contracts/events/widget_renamed.v1.json',
            pointer: '/properties/name/maxLength',
            rule: 'MAX_LENGTH_DECREASED',
            message: expect.stringContaining('BACKWARD: a consumer on v2 cannot read data written with v1'),
          },
        ],
      },
    ]);
  });
});

describe('(d) coverage', () => {
  const gadget = contract('GadgetMade', 1, { name: { type: 'string' } });

  it('a contract no projection handles must be ignored explicitly', () => {
    const events = { 'widget_made.v1.json': widgetMade, 'widget_renamed.v1.json': widgetRenamed, 'gadget_made.v1.json': gadget };
    const unhandled = validateContracts(widgetInputs({ events }), [widgetModel()]);
    expect(violationsOf(unhandled, 'coverage')).toEqual([
      expect.objectContaining({ file: 'contracts/events/gadget_made.v1.json', pointer: '/x-readmodel/eventType', rule: 'unhandled-event' }),
    ]);
    expect(validateContracts(widgetInputs({ events }), [widgetModel({ ignores: ['GadgetMade'] })]).ok).toBe(true);
    const marked = { ...gadget, 'x-readmodel': { ...(gadget['x-readmodel'] as S), ignored: true } };
    expect(validateContracts(widgetInputs({ events: { ...events, 'gadget_made.v1.json': marked } }), [widgetModel()]).ok).toBe(true);
  });

  it('a handled event type without a contract, or one also ignored, is reported', () => {
    const r = validateContracts(widgetInputs(), [
      widgetModel({ handles: ['WidgetMade', 'WidgetRenamed', 'WidgetMelted'], ignores: ['WidgetRenamed'] }),
    ]);
    const v = violationsOf(r, 'coverage');
    expect(v).toContainEqual(expect.objectContaining({ file: 'contracts/events/widget_melted.v1.json', rule: 'missing-contract' }));
    expect(v).toContainEqual(expect.objectContaining({ file: 'contracts/events/widget_renamed.v1.json', rule: 'handled-and-ignored' }));
  });

  it('a handled contract of another aggregate type is reported', () => {
    const r = validateContracts(widgetInputs(), [widgetModel({ aggregateType: 'Gadget' })]);
    expect(violationsOf(r, 'coverage').map((v) => v.rule)).toContain('aggregate-type');
  });
});

describe('(e) mappings', () => {
  it('reports a written field the mapping does not declare, at the pointer where it belongs', () => {
    const m = mapping();
    delete ((((m.mappings as S).properties as S).specs as S).properties as S).tags;
    const r = validateContracts(widgetInputs({ mapping: m }), [widgetModel()]);
    expect(violationsOf(r, 'mappings')).toEqual([
      expect.objectContaining({
        file: 'mappings/widgets.v1.json',
        pointer: '/mappings/properties/specs/properties/tags',
        rule: 'unmapped-field',
      }),
    ]);
  });

  it('accepts anything under enabled:false and a dynamic object, and rejects children under a leaf', () => {
    const m = mapping();
    const props = (m.mappings as S).properties as S;
    props.specs = { type: 'object', dynamic: true };
    props.extra = { type: 'keyword' };
    const r = validateContracts(widgetInputs({ mapping: m }), [widgetModel()]);
    expect(violationsOf(r, 'mappings')).toEqual([
      expect.objectContaining({ pointer: '/mappings/properties/extra/type', rule: 'not-an-object' }),
    ]);
  });

  it('rejects field types and analysis components one of the bare servers lacks', () => {
    const m = mapping();
    const analysis = (m.settings as S).analysis as S;
    analysis.tokenizer = { edge: { type: 'edge_ngram', min_gram: 2, max_gram: 5 } };
    analysis.filter = { fold: { type: 'asciifolding' } };
    analysis.analyzer = {
      widget_text: { type: 'custom', tokenizer: 'edge', filter: ['lowercase', 'fold', 'porter_stem'], char_filter: ['html_strip'] },
    };
    analysis.normalizer = { folded: { type: 'custom', filter: ['asciifolding'] } };
    const props = (m.mappings as S).properties as S;
    props.widgetId = { type: 'scaled_float', scaling_factor: 100 };
    props.name = { type: 'text', analyzer: 'english', search_analyzer: 'widget_text', fields: { raw: { type: 'flat_object' } } };
    (m.mappings as S).dynamic = 'runtime';
    const r = validateContracts(widgetInputs({ mapping: m }), [widgetModel()]);
    const v = violationsOf(r, 'mappings').map(({ pointer, rule }) => ({ pointer, rule }));
    expect(v).toEqual(
      expect.arrayContaining([
        { pointer: '/settings/analysis/tokenizer/edge/type', rule: 'tokenizer-type' },
        { pointer: '/settings/analysis/filter/fold/type', rule: 'filter-type' },
        { pointer: '/settings/analysis/analyzer/widget_text/filter/2', rule: 'unknown-filter' },
        { pointer: '/settings/analysis/analyzer/widget_text/char_filter/0', rule: 'unknown-char_filter' },
        { pointer: '/settings/analysis/normalizer/folded/filter/0', rule: 'unknown-filter' },
        { pointer: '/mappings/properties/widgetId/type', rule: 'field-type' },
        { pointer: '/mappings/properties/name/analyzer', rule: 'unknown-analyzer' },
        { pointer: '/mappings/properties/name/fields/raw/type', rule: 'field-type' },
        { pointer: '/mappings/dynamic', rule: 'dynamic' },
      ]),
    );
    // The custom tokenizer is defined, so referring to it is fine; only its type is the problem.
    expect(v).not.toContainEqual({ pointer: '/settings/analysis/analyzer/widget_text/tokenizer', rule: 'unknown-tokenizer' });
  });

  it('flags keyword fields (multi-fields too) fed by strings the contract leaves unbounded', () => {
    const m = mapping();
    const props = (m.mappings as S).properties as S;
    props.name = { type: 'text', analyzer: 'widget_text', fields: { raw: { type: 'keyword', normalizer: 'lowercase' } } };
    props.specs = { type: 'object', properties: { size: { type: 'integer' }, tags: { type: 'keyword', ignore_above: 20_000 } } };
    const r = validateContracts(widgetInputs({ mapping: m }), [widgetModel()]);
    expect(r.ok).toBe(false);
    expect(violationsOf(r, 'mappings').map(({ pointer, rule }) => ({ pointer, rule }))).toEqual([
      { pointer: '/mappings/properties/name/fields/raw', rule: 'unbounded-keyword' },
      { pointer: '/mappings/properties/specs/properties/tags', rule: 'unbounded-keyword' },
    ]);
    expect(violationsOf(r, 'mappings')[1]!.message).toMatch(/"specs\.tags".*ignore_above" <= 8191/);
  });

  it('accepts an unbounded keyword field once the contract bounds every string that reaches it', () => {
    const m = mapping();
    const props = (m.mappings as S).properties as S;
    props.name = { type: 'text', analyzer: 'widget_text', fields: { raw: { type: 'keyword', normalizer: 'lowercase' } } };
    props.specs = { type: 'object', properties: { size: { type: 'integer' }, tags: { type: 'keyword' } } };
    const bounded = contract(
      'WidgetMade',
      1,
      {
        name: { type: 'string', maxLength: 100 },
        size: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string', enum: ['steel', 'brass'] } },
      },
      { required: ['name'] },
    );
    const r = validateContracts(
      widgetInputs({ mapping: m, events: { 'widget_made.v1.json': bounded, 'widget_renamed.v1.json': widgetRenamed } }),
      [widgetModel()],
    );
    expect(violationsOf(r, 'mappings')).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('skips the field check when no fixture event validates', () => {
    const r = validateContracts(widgetInputs({ stream: [] }), [widgetModel()]);
    expect(itemsOf(r, 'mappings')[0]).toMatchObject({ status: 'skipped' });
  });
});

describe('report formats', () => {
  const failing = () => {
    const v2 = contract('WidgetRenamed', 2, { name: { type: 'string', maxLength: 20 } }, { required: ['name'] });
    return validateContracts(
      widgetInputs({
        events: { 'widget_made.v1.json': widgetMade, 'widget_renamed.v1.json': widgetRenamed, 'widget_renamed.v2.json': v2 },
        stream: [event('WidgetMade', 'w1', 1, { name: 'Bolt' }), event('WidgetRenamed', 'w1', 2, { name: 'Big bolt' }, 2)],
      }),
      [widgetModel()],
    );
  };

  it('JUnit: one testcase per check item, failures carry the messages', () => {
    const r = failing();
    const x = renderJunit(r);
    expect(x.startsWith('<?xml')).toBe(true);
    expect(x.match(/<testcase /g)!.length).toBe(r.summary.items);
    expect(x.match(/<failure /g)!.length).toBe(r.summary.failed);
    expect(x).toContain(`tests="${r.summary.items}" failures="1"`);
    expect(x).toContain('MAX_LENGTH_DECREASED');
    for (const [, value] of x.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/); // attribute values are escaped
    expect(x).toContain('v1 -&gt; v2');
  });

  it('GitHub: one error annotation per violation, properties escaped, plus a summary', () => {
    const lines = renderGithub(failing()).trim().split('\n');
    expect(lines[0]).toBe(
      '::error file=contracts/events/widget_renamed.v2.json,title=compatibility%3A MAX_LENGTH_DECREASED at /properties/name/maxLength::' +
        'BACKWARD: a consumer on v2 cannot read data written with v1: the reader lowered the maxLength (50 -> 20) (vs contracts/events/widget_renamed.v1.json)',
    );
    expect(lines.at(-1)).toMatch(/^::error title=readmodel validate-contracts::FAILED: /);
  });

  it('text: grouped by check, with a summary line', () => {
    const t = renderText(failing());
    expect(t).toContain('(c) versions of each event type are compatible under their declared mode');
    expect(t).toContain('FAIL WidgetRenamed v1 -> v2 (BACKWARD)');
    expect(t.trim().split('\n').at(-1)).toMatch(/^FAILED: \d+ checked, \d+ passed, 1 failed, 0 skipped, 1 violation\(s\)$/);
  });

  it('a failed validation exits 1 and is marked as already reported', () => {
    const e = new ValidationFailedError(failing());
    expect(e).toMatchObject({ exitCode: ExitCode.failure, code: 'CONTRACTS_INVALID', reported: true });
  });
});
