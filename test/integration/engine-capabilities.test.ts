import { afterAll, describe, expect, it } from 'vitest';
import { capabilitiesOf, engineLabel, targetOf, type EngineCapabilities } from '../../src/core/engines/engine-capabilities.js';
import { ENGINES, nodeFor, sinkFor, uniqueName } from '../support/services.js';

/** Parameters some component types cannot do without; everything else is tried with its defaults. */
const PARAMS: Record<string, Record<string, unknown>> = {
  synonym: { synonyms: ['tv, television'] },
  truncate: { length: 10 },
  elision: { articles: ['l'] },
  synonym_graph: { synonyms: ['tv, television'] },
  pattern_replace: { pattern: 'a', replacement: 'b' },
  mapping: { mappings: ['a => b'] },
  char_group: { tokenize_on_chars: ['whitespace'] },
  scaled_float: { scaling_factor: 100 },
  token_count: { analyzer: 'standard' },
  alias: { path: 'f_text' },
};
const def = (type: string) => ({ type, ...(PARAMS[type] ?? {}) });

/** What the engine answers to a request: the status, and the reason when it refuses. */
async function call(node: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${node}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, reason: res.ok ? '' : text.slice(0, 300) };
}

const analyze = (node: string, body: Record<string, unknown>) => call(node, 'POST', '/_analyze', { text: 'Café Crème', ...body });

/** Every analysis request the table claims works, with what the engine said when it did not. */
async function refusedClaims(node: string, caps: EngineCapabilities): Promise<string[]> {
  // One at a time: the analyze thread pool of a small shared node queues only 16 requests.
  const tries: Array<[string, () => Promise<{ status: number; reason: string }>]> = [];
  for (const t of caps.tokenizers) tries.push([`tokenizer ${t}`, () => analyze(node, { tokenizer: t })]);
  for (const t of caps.tokenizerTypes) tries.push([`tokenizer type ${t}`, () => analyze(node, { tokenizer: def(t) })]);
  for (const f of caps.tokenFilters) tries.push([`filter ${f}`, () => analyze(node, { tokenizer: 'standard', filter: [f] })]);
  for (const f of caps.tokenFilterTypes) tries.push([`filter type ${f}`, () => analyze(node, { tokenizer: 'standard', filter: [def(f)] })]);
  for (const c of caps.charFilters) tries.push([`char_filter ${c}`, () => analyze(node, { tokenizer: 'standard', char_filter: [c] })]);
  for (const c of caps.charFilterTypes)
    tries.push([`char_filter type ${c}`, () => analyze(node, { tokenizer: 'standard', char_filter: [def(c)] })]);
  for (const a of caps.analyzers) if (a !== 'default') tries.push([`analyzer ${a}`, () => analyze(node, { analyzer: a })]);
  const out: string[] = [];
  for (const [what, run] of tries) {
    const r = await run();
    if (r.status !== 200) out.push(`${what}: HTTP ${r.status} ${r.reason}`);
  }
  return out;
}

describe.each(ENGINES)('the engine capability table is true of the running %s', (engine) => {
  const sink = sinkFor(engine);
  const node = nodeFor(engine);
  afterAll(() => sink.close());

  async function capsOfNode() {
    const info = await sink.info();
    const caps = capabilitiesOf(targetOf(info.engine, info.version));
    expect(caps, `${info.engine} ${info.version} is in the matrix`).toBeDefined();
    return caps!;
  }

  it('every tokenizer, filter, char filter and analyzer it lists works on the node', async () => {
    const caps = await capsOfNode();
    expect(await refusedClaims(node, caps), engineLabel(caps.target)).toEqual([]);
  });

  it('every field type, analyzer type and normalizer filter it lists is accepted in a mapping', async () => {
    const caps = await capsOfNode();
    const index = uniqueName('caps');
    const properties: Record<string, unknown> = { f_text: { type: 'text' } };
    for (const t of caps.fieldTypes) if (t !== 'text') properties[`f_${t}`] = def(t);
    const analyzer: Record<string, unknown> = {};
    for (const t of caps.analyzerTypes) analyzer[`a_${t}`] = t === 'custom' ? { type: 'custom', tokenizer: 'standard' } : def(t);
    const normalizer: Record<string, unknown> = {};
    for (const f of caps.normalizerFilters) normalizer[`n_${f}`] = { type: 'custom', filter: [f] };
    const r = await call(node, 'PUT', `/${index}`, { settings: { analysis: { analyzer, normalizer } }, mappings: { properties } });
    expect(r.reason).toBe('');
    await sink.deleteIndex(index);
  });

  it('what it says is missing is missing: edge n-grams, folding, html_strip, language analyzers, search_as_you_type', async () => {
    const caps = await capsOfNode();
    const has = caps.modules.includes('analysis-common');
    const statuses = [
      await analyze(node, { tokenizer: def('edge_ngram') }),
      await analyze(node, { tokenizer: 'standard', filter: ['asciifolding'] }),
      await analyze(node, { tokenizer: 'standard', char_filter: ['html_strip'] }),
      await analyze(node, { analyzer: 'english' }),
    ];
    expect(statuses.map((s) => s.status === 200)).toEqual([has, has, has, has]);
    const index = uniqueName('caps');
    const r = await call(node, 'PUT', `/${index}`, { mappings: { properties: { t: { type: 'search_as_you_type' } } } });
    expect(r.status === 200).toBe(caps.fieldTypes.has('search_as_you_type'));
    if (r.status === 200) await sink.deleteIndex(index);
  });
});
