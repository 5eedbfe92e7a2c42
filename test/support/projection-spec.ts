import { expect } from 'vitest';
import { decodeRecord } from '../../src/app/decode-record.js';
import type { EventValidator } from '../../src/core/contracts/event-validator.js';
import type { EventEnvelope } from '../../src/core/envelope.js';
import { foldEvent, type DocState, type FoldOutcome } from '../../src/core/projections/projection.js';
import type { ReadModelDefinition } from '../../src/core/read-model.js';
import { assetsFor } from './assets.js';

export interface SpecResult<TDoc extends object> {
  /** The document with this id (default: the last event's document), or null when there is none. */
  doc(id?: string): TDoc | null;
  /** Every document state the fold holds, tombstones included, by id. */
  states: Map<string, DocState<TDoc>>;
  /** The fold outcome of each `when` event, in delivery order (redeliveries included). */
  outcomes: FoldOutcome[];
}

export interface Scenario<TDoc extends object> {
  /** The new events, delivered after the past ones. */
  when(...events: EventEnvelope[]): Scenario<TDoc>;
  /**
   * Delivers the `when` events a second time, as at-least-once delivery does. The run then proves
   * idempotency itself: every redelivery folds as stale and the documents equal a single delivery's.
   */
  deliveredTwice(): Scenario<TDoc>;
  run(): Promise<SpecResult<TDoc>>;
  /** Runs, then expects the document (default: the last event's) to equal `expected` exactly. */
  expectDocument(expected: TDoc | null, id?: string): Promise<SpecResult<TDoc>>;
}

export interface ProjectionSpec<TDoc extends object> {
  /** The past events: already folded when the new ones arrive. */
  given(...events: EventEnvelope[]): Scenario<TDoc>;
}

/**
 * Given / when / then for a read model's projection, through the engine's own path: each event is
 * serialized into a Kafka record keyed by its aggregate id, decoded by decodeRecord (JSON, contract
 * validation, upcasting to the newest version, key check) and folded with foldEvent (version guard,
 * lastAggregateVersion / lastEventAt). An event the engine would refuse fails the test with the reason.
 */
export function projectionSpec<TDoc extends object>(model: ReadModelDefinition<TDoc>): ProjectionSpec<TDoc> {
  let validator: Promise<EventValidator> | undefined;
  const loadValidator = () => (validator ??= assetsFor(model).then((a) => a.validator));

  const scenario = (past: EventEnvelope[], now: EventEnvelope[], twice: boolean): Scenario<TDoc> => {
    const run = async (): Promise<SpecResult<TDoc>> => {
      const v = await loadValidator();
      let offset = 0;
      const decode = (e: EventEnvelope) => decodeOne(model, v, e, offset++);
      const states = new Map<string, DocState<TDoc>>();
      const fold = (e: EventEnvelope): FoldOutcome => {
        const id = model.projection.documentId(e);
        const r = foldEvent<TDoc>(model.projection, states.get(id), e);
        if (r.state) states.set(id, r.state);
        return r.outcome;
      };
      for (const e of past) fold(decode(e));
      const outcomes = now.map((e) => fold(decode(e)));
      if (twice) {
        const once = structuredClone([...states.entries()]);
        const again = now.map((e) => fold(decode(e)));
        expect(again, 'a redelivered event must fold as stale (or ignored)').toEqual(
          again.map((o) => (o === 'ignored' ? 'ignored' : 'stale')),
        );
        expect([...states.entries()], 'documents after a redelivery equal a single delivery').toEqual(once);
        outcomes.push(...again);
      }
      const last = [...past, ...now].at(-1);
      const defaultId = last ? model.projection.documentId(last) : undefined;
      return { doc: (id = defaultId) => (id === undefined ? null : (states.get(id)?.doc ?? null)), states, outcomes };
    };
    return {
      when: (...events) => scenario(past, [...now, ...events], twice),
      deliveredTwice: () => scenario(past, now, true),
      run,
      async expectDocument(expected, id) {
        const r = await run();
        expect(r.doc(id)).toEqual(expected);
        return r;
      },
    };
  };
  return { given: (...events) => scenario(events, [], false) };
}

function decodeOne(model: ReadModelDefinition, validator: EventValidator, e: EventEnvelope, offset: number): EventEnvelope {
  const d = decodeRecord(
    {
      topic: model.topic,
      partition: 0,
      offset,
      key: e.aggregateId ?? null,
      value: Buffer.from(JSON.stringify(e)),
      timestamp: Date.parse(e.occurredAt) || 0,
    },
    validator,
  );
  if (!d.ok) throw new Error(`the engine would refuse this test event (${e.eventType} v${e.eventVersion}): ${JSON.stringify(d.violation)}`);
  return d.envelope;
}
