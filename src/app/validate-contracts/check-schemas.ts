import { createAjv } from '../../core/contracts/ajv-factory.js';
import { parseContractFileName, snakeCase } from '../../core/contracts/contract-id.js';
import type { ContractAnnotation, EventContract, JsonSchema } from '../../core/contracts/contract-types.js';
import { escapePointerToken } from '../../core/contracts/compatibility/schema-diff.js';
import type { SchemaInput, ValidationInputs } from './inputs.js';
import { check, item, type CheckResult, type ContractCheckViolation } from './report.js';

export interface SchemaCheckOutcome {
  check: CheckResult;
  /** The envelope, when it compiles: without it no event can be validated. */
  envelope?: JsonSchema;
  /** Event contracts usable by the later checks: they compile, carry an annotation and are unique. */
  contracts: EventContract[];
  /** Contract name (`events/x.v1.json`) -> report path. */
  fileOf: Map<string, string>;
  /** Event types (from file names) whose contract files exist but were rejected above: later checks skip them. */
  rejected: Map<string, string>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function pascalCase(snake: string): string {
  return snake
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** (a) Every schema compiles in ajv strict mode and says what its file name says. */
export function checkSchemas(inputs: ValidationInputs): SchemaCheckOutcome {
  const fileOf = new Map<string, string>([
    [inputs.envelope.name, inputs.envelope.file],
    ...inputs.events.map((e) => [e.name, e.file] as const),
  ]);
  const violationsOf = new Map<string, ContractCheckViolation[]>();
  const push = (s: SchemaInput, v: Omit<ContractCheckViolation, 'file'>) => violationsOf.get(s.name)!.push({ file: s.file, ...v });
  const all = [inputs.envelope, ...inputs.events];
  for (const s of all) violationsOf.set(s.name, []);

  const compiled = new Set<string>();
  for (const s of all) {
    if (s.error !== undefined) {
      push(s, { pointer: '/', rule: 'json', message: `cannot load the schema: ${s.error}` });
      continue;
    }
    const problems = compileProblems(s.json);
    for (const p of problems) push(s, p);
    if (problems.length === 0) compiled.add(s.name);
    for (const p of s === inputs.envelope ? envelopeNaming(s) : eventNaming(s)) push(s, p);
  }

  // $id is the schema's identity: two files claiming one would shadow each other in any registry.
  const byId = new Map<string, SchemaInput>();
  const duplicates = new Set<string>();
  for (const s of all) {
    const id = isObj(s.json) ? s.json.$id : undefined;
    if (typeof id !== 'string') continue;
    const first = byId.get(id);
    if (first) {
      duplicates.add(s.name);
      push(s, { otherFile: first.file, pointer: '/$id', rule: 'duplicate-id', message: `$id ${id} is already the $id of ${first.file}` });
    } else byId.set(id, s);
  }

  const contracts: EventContract[] = [];
  const byKey = new Map<string, EventContract>();
  for (const s of inputs.events) {
    if (!compiled.has(s.name) || duplicates.has(s.name)) continue;
    const a = (s.json as Record<string, unknown>)['x-readmodel'] as ContractAnnotation | undefined;
    if (!a || typeof a.eventType !== 'string' || typeof a.version !== 'number') continue;
    const key = `${a.eventType}@v${a.version}`;
    const first = byKey.get(key);
    if (first) {
      push(s, {
        otherFile: fileOf.get(first.file),
        pointer: '/x-readmodel',
        rule: 'duplicate-version',
        message: `${a.eventType} v${a.version} is already defined by ${fileOf.get(first.file)}`,
      });
      continue;
    }
    const c: EventContract = {
      file: s.name,
      eventType: a.eventType,
      version: a.version,
      aggregateType: a.aggregateType,
      compatibility: a.compatibility ?? 'BACKWARD',
      schema: s.json as JsonSchema,
    };
    byKey.set(key, c);
    contracts.push(c);
  }

  // Versions of one event type run 1, 2, 3...: a gap means a lost file, or a typo in a version number.
  const versions = new Map<string, EventContract[]>();
  for (const c of contracts) versions.set(c.eventType, [...(versions.get(c.eventType) ?? []), c]);
  for (const [type, cs] of versions) {
    const sorted = [...cs].sort((a, b) => a.version - b.version);
    sorted.forEach((c, i) => {
      const expected = i === 0 ? 1 : sorted[i - 1]!.version + 1;
      if (c.version !== expected) {
        const s = inputs.events.find((e) => e.name === c.file)!;
        push(s, {
          pointer: '/x-readmodel/version',
          rule: 'version-gap',
          message: `${type} v${c.version} has no v${expected} before it`,
        });
      }
    });
  }

  const usable = new Set(contracts.map((c) => c.file));
  const rejected = new Map<string, string>();
  for (const s of inputs.events) {
    const parsed = parseContractFileName(s.name.slice('events/'.length));
    if (parsed && !usable.has(s.name)) rejected.set(pascalCase(parsed.base), s.file);
  }

  const items = all.map((s) => item(s.file, violationsOf.get(s.name)!));
  if (inputs.eventsDirError !== undefined) {
    items.push(
      item(`${inputs.contractsDir}/events`, [
        {
          file: `${inputs.contractsDir}/events`,
          pointer: '/',
          rule: 'missing',
          message: `no readable events/ folder: ${inputs.eventsDirError}`,
        },
      ]),
    );
  }
  return {
    check: check('schemas', items),
    ...(compiled.has(inputs.envelope.name) ? { envelope: inputs.envelope.json as JsonSchema } : {}),
    contracts,
    fileOf,
    rejected,
  };
}

/** Meta-schema errors and ajv strict-mode refusals, each located by a JSON pointer into the schema. */
export function compileProblems(schema: unknown): Array<Omit<ContractCheckViolation, 'file'>> {
  const ajv = createAjv();
  if (!ajv.validateSchema(schema as object)) {
    const seen = new Set<string>();
    const out: Array<Omit<ContractCheckViolation, 'file'>> = [];
    for (const e of ajv.errors ?? []) {
      const pointer = e.instancePath || '/';
      if (seen.has(pointer)) continue; // one message per place: the meta-schema's anyOf branches repeat themselves
      seen.add(pointer);
      out.push({ pointer, rule: 'metaschema', message: `not a valid JSON Schema 2020-12: ${pointer} ${e.message ?? 'is invalid'}` });
    }
    return out;
  }
  try {
    ajv.compile(schema as object);
    return [];
  } catch (cause) {
    return [locateCompileError((cause as Error).message, schema)];
  }
}

function locateCompileError(message: string, schema: unknown): Omit<ContractCheckViolation, 'file'> {
  let m = /^strict mode: unknown keyword: "([^"]+)"/.exec(message);
  if (m) return { pointer: findKey(schema, m[1]!) ?? '/', rule: 'strict', message };
  m = /^keyword "([^"]+)" value is invalid at path "#([^"]*)": data(\S*)/.exec(message);
  if (m) return { pointer: `${m[2]}/${escapePointerToken(m[1]!)}${m[3]}`, rule: m[1]!, message };
  m = /^unknown format "[^"]*" ignored in schema at path "#([^"]*)"/.exec(message);
  if (m) return { pointer: `${m[1]}/format`, rule: 'format', message };
  m = /^can't resolve reference (\S+)/.exec(message);
  if (m) return { pointer: findRef(schema, m[1]!) ?? '/', rule: '$ref', message };
  m = /at "#([^"]*)"/.exec(message);
  return { pointer: m?.[1] || '/', rule: message.startsWith('strict mode') ? 'strict' : 'compile', message };
}

function findKey(node: unknown, key: string, at = ''): string | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const hit = findKey(node[i], key, `${at}/${i}`);
      if (hit) return hit;
    }
  } else if (isObj(node)) {
    if (Object.hasOwn(node, key)) return `${at}/${escapePointerToken(key)}`;
    for (const [k, v] of Object.entries(node)) {
      const hit = findKey(v, key, `${at}/${escapePointerToken(k)}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

function findRef(node: unknown, ref: string, at = ''): string | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const hit = findRef(node[i], ref, `${at}/${i}`);
      if (hit) return hit;
    }
  } else if (isObj(node)) {
    if (node.$ref === ref) return `${at}/$ref`;
    for (const [k, v] of Object.entries(node)) {
      const hit = findRef(v, ref, `${at}/${escapePointerToken(k)}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

function envelopeNaming(s: SchemaInput): Array<Omit<ContractCheckViolation, 'file'>> {
  const out: Array<Omit<ContractCheckViolation, 'file'>> = [];
  const json = isObj(s.json) ? s.json : {};
  if (typeof json.$id !== 'string' || !json.$id.endsWith(`/${s.name}`)) {
    out.push({ pointer: '/$id', rule: 'id-mismatch', message: `$id ${JSON.stringify(json.$id)} must end with /${s.name}` });
  }
  return out;
}

function eventNaming(s: SchemaInput): Array<Omit<ContractCheckViolation, 'file'>> {
  const out: Array<Omit<ContractCheckViolation, 'file'>> = [];
  const base = s.name.slice('events/'.length);
  const parsed = parseContractFileName(base);
  const json = isObj(s.json) ? s.json : {};
  if (!parsed) {
    out.push({ pointer: '/', rule: 'file-name', message: `file name ${base} is not <snake_case_event>.v<N>.json` });
    return out;
  }
  const eventType = pascalCase(parsed.base);
  if (snakeCase(eventType) !== parsed.base) {
    out.push({ pointer: '/', rule: 'file-name', message: `file name ${base} does not round-trip through its event type ${eventType}` });
  }
  if (typeof json.$id !== 'string' || !json.$id.endsWith(`/${s.name}`)) {
    out.push({ pointer: '/$id', rule: 'id-mismatch', message: `$id ${JSON.stringify(json.$id)} must end with /${s.name}` });
  }
  if (json.title !== eventType) {
    out.push({
      pointer: '/title',
      rule: 'title-mismatch',
      message: `title ${JSON.stringify(json.title)} must be "${eventType}" (from the file name)`,
    });
  }
  const a = json['x-readmodel'];
  if (!isObj(a)) {
    out.push({
      pointer: '/x-readmodel',
      rule: 'x-readmodel',
      message: 'no "x-readmodel" annotation: { "eventType", "version", "aggregateType" }',
    });
    return out;
  }
  if (a.eventType !== eventType) {
    out.push({
      pointer: '/x-readmodel/eventType',
      rule: 'event-type-mismatch',
      message: `x-readmodel.eventType ${JSON.stringify(a.eventType)} must be "${eventType}" (from the file name)`,
    });
  }
  if (a.version !== parsed.version) {
    out.push({
      pointer: '/x-readmodel/version',
      rule: 'version-mismatch',
      message: `x-readmodel.version ${JSON.stringify(a.version)} must be ${parsed.version} (from the file name)`,
    });
  }
  if (json.type !== 'object') {
    out.push({
      pointer: '/type',
      rule: 'root-type',
      message: 'an event schema describes the envelope\'s "data" object: its root "type" must be "object"',
    });
  }
  return out;
}
