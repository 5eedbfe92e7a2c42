import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import type { FixtureLine, JsonInput, MappingInput, ModelFixturesInput, SchemaInput, ValidationInputs } from './inputs.js';

export interface LoadOptions {
  contractsDir: string;
  fixturesDir: string;
  /** Mapping files are `model.mappingFile` relative to this folder. */
  packageRoot: string;
  /** Report paths relative to this folder when they lie inside it. */
  cwd: string;
  models: readonly ReadModelDefinition[];
}

/** The one place validate-contracts touches the disk. Unreadable files become inputs with an error, not exceptions. */
export async function loadValidationInputs(o: LoadOptions): Promise<ValidationInputs> {
  const show = (abs: string) => displayPath(abs, o.cwd);
  await requireDir(o.contractsDir, 'contracts', '--contracts');
  await requireDir(o.fixturesDir, 'fixtures', '--fixtures');

  const envelope: SchemaInput = { name: 'envelope.v1.json', ...(await readJsonFile(path.join(o.contractsDir, 'envelope.v1.json'), show)) };
  const eventsDir = path.join(o.contractsDir, 'events');
  let events: SchemaInput[] = [];
  let eventsDirError: string | undefined;
  try {
    const names = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
    events = await Promise.all(names.map(async (f) => ({ name: `events/${f}`, ...(await readJsonFile(path.join(eventsDir, f), show)) })));
  } catch (cause) {
    eventsDirError = (cause as Error).message;
  }

  const fixtures: ModelFixturesInput[] = [];
  for (const entry of (await readdir(o.fixturesDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(o.fixturesDir, entry.name);
    const streamPath = path.join(dir, 'events.ndjson');
    const text = await readFile(streamPath, 'utf8').catch(() => undefined);
    const invalidDir = path.join(dir, 'invalid');
    const invalidNames = (await readdir(invalidDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
    fixtures.push({
      model: entry.name,
      dir: show(dir),
      ...(text !== undefined ? { stream: { file: show(streamPath), lines: parseNdjson(text) } } : {}),
      invalid: await Promise.all(invalidNames.map((f) => readJsonFile(path.join(invalidDir, f), show))),
    });
  }

  const mappings: MappingInput[] = await Promise.all(
    o.models.flatMap((m) => [
      (async () => ({ model: m.name, ...(await readJsonFile(path.resolve(o.packageRoot, m.mappingFile), show)) }))(),
      ...(m.mappingVariants ?? []).map(async (v) => ({
        model: m.name,
        variant: true,
        ...(await readJsonFile(path.resolve(o.packageRoot, v), show)),
      })),
    ]),
  );

  return {
    contractsDir: show(o.contractsDir),
    fixturesDir: show(o.fixturesDir),
    envelope,
    events,
    ...(eventsDirError ? { eventsDirError } : {}),
    fixtures,
    mappings,
  };
}

export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

export function parseNdjson(text: string): FixtureLine[] {
  const out: FixtureLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, json: JSON.parse(raw) });
    } catch (cause) {
      out.push({ line: i + 1, error: `not JSON: ${(cause as Error).message}` });
    }
  });
  return out;
}

async function requireDir(dir: string, what: string, flag: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw new UsageError(`the ${what} folder does not exist`, {
      code: 'NO_SUCH_DIRECTORY',
      context: { path: dir },
      suggestion: `pass ${flag} <dir> with an existing folder`,
    });
  }
}

async function readJsonFile(abs: string, show: (p: string) => string): Promise<JsonInput> {
  const file = show(abs);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return { file, error: code === 'ENOENT' ? 'file not found' : `cannot read: ${(cause as Error).message}` };
  }
  try {
    return { file, json: JSON.parse(text) };
  } catch (cause) {
    return { file, error: `not JSON: ${(cause as Error).message}` };
  }
}
