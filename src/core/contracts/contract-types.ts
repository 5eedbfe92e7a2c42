export type CompatibilityMode = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

/** Our annotation on each event schema: what it is, independent of its file name. */
export interface ContractAnnotation {
  eventType: string;
  version: number;
  aggregateType: string;
  compatibility?: CompatibilityMode;
}

export type JsonSchema = Record<string, unknown>;

export interface EventContract {
  /** Path relative to the contracts directory, for messages. */
  file: string;
  eventType: string;
  version: number;
  aggregateType: string;
  compatibility: CompatibilityMode;
  schema: JsonSchema;
}

export interface ContractSet {
  envelope: JsonSchema;
  events: EventContract[];
}

/** Turns an older event version's data into the next version's shape. Pure. */
export interface Upcaster {
  eventType: string;
  fromVersion: number;
  toVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

export interface ContractViolation {
  eventId?: string;
  eventType?: string;
  eventVersion?: number;
  /** JSON pointer into the whole envelope, e.g. `/data/price/amountMinor`. */
  pointer: string;
  /** The JSON Schema keyword that failed, e.g. `required`, `type`, `minimum`. */
  rule: string;
  message: string;
  schemaFile?: string;
}
