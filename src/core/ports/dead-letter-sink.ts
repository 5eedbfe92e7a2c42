import type { RawRecord } from './event-source.js';

/** A record the live consumer could not apply and parks instead of stopping (Kafka Connect's DLQ). */
export interface DeadLetter {
  record: RawRecord;
  /** `contract`: the event is invalid; `sink`: the engine refused the document it produced. */
  stage: 'contract' | 'sink';
  reason: string;
  /** The refused document (stage `sink`). */
  documentId?: string;
}

export interface DeadLetterSink {
  readonly topic: string;
  /** Resolves once every letter is durably written (acks=all): only then may the offsets after them be committed. */
  park(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}
