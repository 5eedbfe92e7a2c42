import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { ContractAnnotation, ContractSet, EventContract, JsonSchema } from '../core/contracts/contract-types.js';

/**
 * Reads `envelope.v1.json` and every `events/*.json` below a contracts directory. File reading lives
 * here in app, not in src/core, which stays free of I/O.
 */
export async function loadContracts(dir: string): Promise<ContractSet> {
  const envelope = await readJson(path.join(dir, 'envelope.v1.json'));
  const eventsDir = path.join(dir, 'events');
  let files: string[];
  try {
    files = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (cause) {
    throw new ConfigError(`cannot read the event contracts directory`, {
      context: { path: eventsDir },
      suggestion: 'point --contracts (or the config key "contracts") at a folder holding envelope.v1.json and events/',
      cause,
    });
  }
  const events: EventContract[] = [];
  for (const f of files) {
    const schema = await readJson(path.join(eventsDir, f));
    events.push(toContract(`events/${f}`, schema));
  }
  return { envelope, events };
}

function toContract(file: string, schema: JsonSchema): EventContract {
  const a = schema['x-readmodel'] as ContractAnnotation | undefined;
  if (!a || typeof a.eventType !== 'string' || typeof a.version !== 'number') {
    throw new ConfigError(`event contract has no "x-readmodel" annotation with eventType and version`, {
      context: { file },
      suggestion: 'add "x-readmodel": { "eventType": "...", "version": 1, "aggregateType": "..." } to the schema',
    });
  }
  return {
    file,
    eventType: a.eventType,
    version: a.version,
    aggregateType: a.aggregateType,
    compatibility: a.compatibility ?? 'BACKWARD',
    schema,
  };
}

async function readJson(file: string): Promise<JsonSchema> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read contract file`, { context: { path: file }, cause });
  }
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (cause) {
    throw new ConfigError(`contract file is not valid JSON: ${(cause as Error).message}`, { context: { path: file } });
  }
}
