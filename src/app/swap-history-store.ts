import { ConflictError, SinkRejectedError } from '../core/errors.js';
import type { SearchSink } from '../core/ports/search-sink.js';
import { ensureIndex } from './ensure-index.js';
import type { SwapRecord } from '../core/alias/swap-history.js';

export const HISTORY_INDEX = 'readmodel_alias_history';

const HISTORY_MAPPING = {
  settings: { number_of_shards: 1 },
  mappings: {
    dynamic: 'strict',
    properties: {
      model: { type: 'keyword' },
      alias: { type: 'keyword' },
      action: { type: 'keyword' },
      from: { type: 'keyword' },
      to: { type: 'keyword' },
      at: { type: 'date' },
      checksum: { type: 'keyword' },
      forced: { type: 'keyword' },
      seq: { type: 'long' },
    },
  },
};

/** Alias history lives in the cluster itself, beside the indices it describes. */
export function createSwapHistoryStore(sink: SearchSink, index = HISTORY_INDEX) {
  const ensure = () => ensureIndex(sink, index, HISTORY_MAPPING);
  return {
    async list(alias: string): Promise<SwapRecord[]> {
      if (!(await sink.indexExists(index))) return [];
      await sink.refresh(index);
      const res = await sink.search(index, { size: 1000, query: { term: { alias } }, sort: [{ seq: 'asc' }] });
      return res.hits.map((h) => h.doc as unknown as SwapRecord);
    },
    async append(record: Omit<SwapRecord, 'seq'>, previous: readonly SwapRecord[]): Promise<SwapRecord> {
      await ensure();
      const seq = (previous[previous.length - 1]?.seq ?? 0) + 1;
      const full: SwapRecord = { ...record, seq };
      // The id makes two concurrent appends of the same sequence number collide instead of both landing.
      const r = await sink.bulk(index, [
        { action: 'index', id: `${record.alias}:${seq}`, version: seq, doc: full as unknown as Record<string, unknown> },
      ]);
      if (r.stale > 0) {
        throw new ConflictError(`swap history entry ${record.alias}:${seq} was written concurrently`, {
          context: { index, entry: `${record.alias}:${seq}` },
          suggestion: 'another swap of this alias ran at the same time; check "readmodel alias show"',
        });
      }
      if (r.rejected.length > 0) {
        throw new SinkRejectedError(`the swap history refused entry ${record.alias}:${seq}: ${r.rejected[0]!.reason}`, {
          context: { index, entry: `${record.alias}:${seq}` },
          suggestion: `the alias was switched but not recorded; "readmodel alias show" reports it and the next swap or rollback records it`,
        });
      }
      await sink.refresh(index);
      return full;
    },
  };
}
