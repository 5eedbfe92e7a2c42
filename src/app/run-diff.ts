import { UsageError } from '../core/errors.js';
import { compareIds, diffFields, type FieldDifference } from '../core/diff/field-diff.js';
import type { SearchSink, StoredDoc } from '../core/ports/search-sink.js';
import { aliasName, type ReadModelDefinition } from '../core/read-model.js';
import { readManifest } from './read-manifest.js';

export interface DiffOptions {
  model: ReadModelDefinition;
  /** Index or alias; default: the model's alias. */
  from?: string;
  /** Index; default: the newest complete index of the model that is not the `from` side. */
  to?: string;
  /** How many ids and changed documents to list (all are counted). */
  show?: number;
  /** JSON pointers of fields to leave out of the comparison, e.g. /lastEventAt. */
  ignoreFields?: readonly string[];
  pageSize?: number;
  signal?: AbortSignal;
}

export interface DiffReport {
  model: string;
  from: { name: string; index: string; count: number };
  to: { name: string; index: string; count: number };
  onlyInFrom: { count: number; ids: string[] };
  onlyInTo: { count: number; ids: string[] };
  changed: { count: number; documents: Array<{ id: string; fields: FieldDifference[] }> };
  unchanged: number;
  /** (changed + only-in-either) / larger side: what the swap gate compares to its threshold. */
  changedShare: number;
  mapping: FieldDifference[];
  identical: boolean;
}

async function resolveIndex(sink: SearchSink, nameOrAlias: string): Promise<string> {
  const targets = await sink.aliasTargets(nameOrAlias);
  if (targets.length === 1) return targets[0]!;
  if (targets.length > 1)
    throw new UsageError(`${nameOrAlias} points at ${targets.length} indices; name one index`, { context: { targets } });
  if (await sink.indexExists(nameOrAlias)) return nameOrAlias;
  throw new UsageError(`no index or alias named ${nameOrAlias}`, {
    code: 'INDEX_NOT_FOUND',
    context: { name: nameOrAlias },
    suggestion: 'list the candidates with: readmodel alias show <model>',
  });
}

async function newestComplete(sink: SearchSink, model: ReadModelDefinition, except: string): Promise<string> {
  let best: { index: string; at: string } | undefined;
  for (const i of await sink.listIndices(`${model.indexBase}_v*`)) {
    if (i.name === except) continue;
    const m = await readManifest(sink, i.name);
    if (m?.status === 'complete' && m.model === model.name && (!best || (m.finishedAt ?? '') > best.at))
      best = { index: i.name, at: m.finishedAt ?? '' };
  }
  if (!best) {
    throw new UsageError(`no other complete index of ${model.name} to compare with ${except}`, {
      code: 'NOTHING_TO_DIFF',
      suggestion: `build one with: readmodel rebuild ${model.name}, or pass --to`,
    });
  }
  return best.index;
}

/** A pull cursor over a sorted scan: the page it reads from, and the next one the scan asks for meanwhile. */
function cursor(pages: AsyncIterable<StoredDoc[]>) {
  const it = pages[Symbol.asyncIterator]();
  let page: StoredDoc[] = [];
  let i = 0;
  let done = false;
  return {
    async peek(): Promise<StoredDoc | undefined> {
      while (!done && i >= page.length) {
        const n = await it.next();
        if (n.done) done = true;
        else {
          page = n.value;
          i = 0;
        }
      }
      return done && i >= page.length ? undefined : page[i];
    },
    next() {
      i++;
    },
  };
}

/**
 * Compares two indices of one read model by streaming both in the same id order and merging them:
 * memory holds two pages per side (the one read, the one asked for) and the first N examples, never an index.
 */
export async function runDiff(o: DiffOptions, deps: { sink: SearchSink }): Promise<DiffReport> {
  const { sink } = deps;
  const fromName = o.from ?? aliasName(o.model);
  const fromIndex = await resolveIndex(sink, fromName);
  const toIndex = o.to ? await resolveIndex(sink, o.to) : await newestComplete(sink, o.model, fromIndex);
  const show = o.show ?? 10;
  const ignore = new Set(o.ignoreFields ?? []);
  await Promise.all([sink.refresh(fromIndex), sink.refresh(toIndex)]);

  const sortField = o.model.projection.idField;
  const scan = (index: string) => sink.scan(index, { sortField, pageSize: o.pageSize ?? 2000, ...(o.signal ? { signal: o.signal } : {}) });
  const a = cursor(scan(fromIndex));
  const b = cursor(scan(toIndex));
  const report: DiffReport = {
    model: o.model.name,
    from: { name: fromName, index: fromIndex, count: 0 },
    to: { name: o.to ?? toIndex, index: toIndex, count: 0 },
    onlyInFrom: { count: 0, ids: [] },
    onlyInTo: { count: 0, ids: [] },
    changed: { count: 0, documents: [] },
    unchanged: 0,
    changedShare: 0,
    mapping: [],
    identical: false,
  };
  for (;;) {
    const [x, y] = await Promise.all([a.peek(), b.peek()]);
    if (!x && !y) break;
    const c = !x ? 1 : !y ? -1 : compareIds(x.id, y.id);
    if (c < 0) {
      report.from.count++;
      report.onlyInFrom.count++;
      if (report.onlyInFrom.ids.length < show) report.onlyInFrom.ids.push(x!.id);
      a.next();
    } else if (c > 0) {
      report.to.count++;
      report.onlyInTo.count++;
      if (report.onlyInTo.ids.length < show) report.onlyInTo.ids.push(y!.id);
      b.next();
    } else {
      report.from.count++;
      report.to.count++;
      const fields = diffFields(x!.doc, y!.doc, '', ignore);
      if (fields.length) {
        report.changed.count++;
        if (report.changed.documents.length < show) report.changed.documents.push({ id: x!.id, fields });
      } else report.unchanged++;
      a.next();
      b.next();
    }
  }
  const strip = (m: Record<string, unknown>) => {
    const { _meta: _ignored, ...rest } = m;
    return rest;
  };
  report.mapping = diffFields(strip(await sink.getMapping(fromIndex)), strip(await sink.getMapping(toIndex)));
  const larger = Math.max(report.from.count, report.to.count);
  report.changedShare = larger === 0 ? 0 : (report.changed.count + report.onlyInFrom.count + report.onlyInTo.count) / larger;
  report.identical = report.changedShare === 0 && report.mapping.length === 0;
  return report;
}
