/**
 * Everything the checks read, already off the disk: the checks themselves are pure functions of these
 * (plus the read-model definitions), so tests can feed invented schemas and fixtures directly.
 */
export interface JsonInput {
  /** Path shown in the report. */
  file: string;
  /** The parsed content, when it could be read and parsed. */
  json?: unknown;
  /** Why it could not be: missing, unreadable, not JSON. */
  error?: string;
}

export interface SchemaInput extends JsonInput {
  /** Path relative to the contracts folder (`envelope.v1.json`, `events/price_updated.v2.json`): names the contract. */
  name: string;
}

export interface FixtureLine {
  line: number;
  json?: unknown;
  error?: string;
}

export interface FixtureStreamInput {
  file: string;
  lines: FixtureLine[];
}

/** One `fixtures/<model>/` folder. */
export interface ModelFixturesInput {
  model: string;
  dir: string;
  /** `events.ndjson`, absent when the folder has none. */
  stream?: FixtureStreamInput;
  /** `invalid/*.json`, each `{ reason, expect: { pointer, rule }, event }`. */
  invalid: JsonInput[];
}

export interface MappingInput extends JsonInput {
  model: string;
  /** One of the model's `mappingVariants` (used on the engines that support it), not its base mapping. */
  variant?: boolean;
}

export interface ValidationInputs {
  contractsDir: string;
  fixturesDir: string;
  envelope: SchemaInput;
  events: SchemaInput[];
  /** Set when the contracts folder has no readable `events/` folder. */
  eventsDirError?: string;
  fixtures: ModelFixturesInput[];
  mappings: MappingInput[];
}
