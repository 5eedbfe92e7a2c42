import { describe, expect, it } from 'vitest';
import { searchHitsOf } from '../../src/adapters/search/state-answers.js';
import type { GetResult } from '../../src/app/run-get.js';
import type { SuggestResult } from '../../src/app/run-suggest.js';
import { getText } from '../../src/cli/output/get-text.js';
import { suggestText } from '../../src/cli/output/suggest-text.js';

describe('search answers are read strictly (suggest)', () => {
  const node = 'http://es:9200';
  it('an empty 200, a body without hits or a hit without _source is UNREADABLE_STATE, never "no suggestions"', () => {
    for (const res of [
      { status: 200, body: '' },
      { status: 200, body: {} },
      { status: 200, body: { hits: {} } },
      { status: 200, body: { hits: { hits: [{ _id: 'p1', _index: 'i' }] } } },
      { status: 500, body: { hits: { hits: [] } } },
    ]) {
      expect(() => searchHitsOf(res, 'ps_current', node)).toThrow(expect.objectContaining({ code: 'UNREADABLE_STATE', exitCode: 6 }));
    }
  });

  it('reads id, index, score and source of each hit; an empty list is a real empty answer', () => {
    expect(searchHitsOf({ status: 200, body: { hits: { hits: [] } } }, 'i', node)).toEqual([]);
    const hits = [
      { _id: 'p1', _index: 'ps_v1_a', _score: 2.5, _source: { title: 'Acme' } },
      { _id: 'p2', _index: 'ps_v1_a', _score: null, _source: {} },
    ];
    expect(searchHitsOf({ status: 200, body: { hits: { hits } } }, 'i', node)).toEqual([
      { id: 'p1', index: 'ps_v1_a', score: 2.5, doc: { title: 'Acme' } },
      { id: 'p2', index: 'ps_v1_a', score: null, doc: {} },
    ]);
  });
});

describe('text output of suggest and get', () => {
  const base = {
    model: 'product-search',
    index: 'ps_v1_abc',
    alias: 'ps_current',
    live: true,
    prefix: 'acm',
    fields: ['title', 'category'],
  };

  it('suggest: a header naming alias and index, then aligned columns in field order', () => {
    const r: SuggestResult = {
      ...base,
      suggestions: [
        { id: 'p1', score: 2, title: 'Acme Smart Wok', category: 'Cookware' },
        { id: 'p10', score: 1, title: 'Acme Pro', category: null },
      ],
    };
    expect(suggestText(r)).toBe(
      [
        '2 suggestions for "acm" from ps_current -> ps_v1_abc',
        '',
        'ID   TITLE           CATEGORY',
        'p1   Acme Smart Wok  Cookware',
        'p10  Acme Pro        -',
        '',
      ].join('\n'),
    );
    expect(suggestText({ ...r, live: false, suggestions: [] })).toBe(
      '0 suggestions for "acm" from ps_v1_abc (not live: ps_current points elsewhere)\n',
    );
  });

  it('get: version, last event, index and live state, build, then the document; an index without manifest says so', () => {
    const r: GetResult = {
      ...base,
      id: 'p1',
      version: 7,
      lastAggregateVersion: 7,
      lastEventAt: '2026-03-01T10:07:00.000Z',
      build: {
        model: 'product-search',
        status: 'complete',
        buildHash: 'abc',
        mappingFile: 'mappings/product_search.v1.json',
        projection: { name: 'product-search', version: 1 },
        toolVersion: '0.1.0',
        topic: 'product-events',
        startedAt: '2026-03-02T00:00:00.000Z',
        finishedAt: '2026-03-02T00:01:00.000Z',
        swappedAt: null,
      },
      document: { productId: 'p1' },
    };
    const text = getText(r);
    expect(text).toContain('  version       7 (external: the aggregate version of the last event applied)');
    expect(text).toContain('  last event    2026-03-01T10:07:00.000Z');
    expect(text).toContain('  index         ps_v1_abc (live behind ps_current)');
    expect(text).toContain(
      '  build         complete, hash abc, mappings/product_search.v1.json, projection product-search v1, readmodel 0.1.0',
    );
    expect(text).toContain('"productId": "p1"');
    expect(getText({ ...r, live: false, build: null })).toContain('(no readmodel manifest: readmodel did not build this index)');
    expect(getText({ ...r, live: false, build: null })).toContain('(not live: ps_current points elsewhere)');
  });
});
