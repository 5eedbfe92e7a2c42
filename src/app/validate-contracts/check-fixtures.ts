import { createEventValidator, type EventValidator } from '../../core/contracts/event-validator.js';
import type { EventContract, JsonSchema } from '../../core/contracts/contract-types.js';
import type { EventEnvelope } from '../../core/envelope.js';
import type { ReadModelDefinition } from '../../core/read-model.js';
import type { ModelFixturesInput, ValidationInputs } from './inputs.js';
import { check, item, skippedItem, type CheckItem, type CheckResult, type ContractCheckViolation } from './report.js';

export interface FixtureCheckOutcome {
  check: CheckResult;
  /** Per model: the fixture stream's events that validated, upcast to their newest version, in order. */
  accepted: Map<string, EventEnvelope[]>;
  /** Per model: the validator its fixtures were checked with (absent when the contracts do not compile). */
  validators: Map<string, EventValidator>;
}

interface InvalidFixture {
  reason: string;
  expect: { pointer: string; rule: string };
  event: unknown;
}

function isInvalidFixture(v: unknown): v is InvalidFixture {
  const f = v as Partial<InvalidFixture> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.reason === 'string' &&
    typeof f.expect === 'object' &&
    f.expect !== null &&
    typeof f.expect.pointer === 'string' &&
    typeof f.expect.rule === 'string' &&
    'event' in f
  );
}

/** (b) Each model's fixture stream validates; each deliberately invalid fixture fails where it says it does. */
export function checkFixtures(
  inputs: ValidationInputs,
  models: readonly ReadModelDefinition[],
  contracts: { envelope?: JsonSchema; events: EventContract[]; fileOf: Map<string, string> },
): FixtureCheckOutcome {
  const items: CheckItem[] = [];
  const accepted = new Map<string, EventEnvelope[]>();
  const validators = new Map<string, EventValidator>();
  const byModel = new Map(inputs.fixtures.map((f) => [f.model, f]));

  for (const f of inputs.fixtures) {
    if (!models.some((m) => m.name === f.model)) {
      items.push(
        item(f.dir, [
          {
            file: f.dir,
            pointer: '/',
            rule: 'unknown-model',
            message: `fixtures for "${f.model}", which is not a read model (known: ${models.map((m) => m.name).join(', ')})`,
          },
        ]),
      );
    }
  }

  for (const model of models) {
    const f = byModel.get(model.name);
    const dir = `${inputs.fixturesDir}/${model.name}`;
    if (!f) {
      items.push(
        item(dir, [
          {
            file: dir,
            pointer: '/',
            rule: 'missing-fixtures',
            message: `read model ${model.name} has no fixtures folder (events.ndjson, invalid/*.json)`,
          },
        ]),
      );
      continue;
    }
    let validator: EventValidator | undefined;
    let skip: string | undefined;
    if (!contracts.envelope) skip = 'the envelope schema does not load or compile';
    else {
      try {
        validator = createEventValidator({ envelope: contracts.envelope, events: contracts.events }, model.upcasters);
      } catch (cause) {
        skip = `the contracts do not compile together: ${(cause as Error).message}`;
      }
    }
    if (validator) validators.set(model.name, validator);
    items.push(...modelItems(f, validator, skip, contracts.fileOf, accepted, model.name));
  }
  return { check: check('fixtures', items), accepted, validators };
}

function modelItems(
  f: ModelFixturesInput,
  validator: EventValidator | undefined,
  skip: string | undefined,
  fileOf: Map<string, string>,
  accepted: Map<string, EventEnvelope[]>,
  model: string,
): CheckItem[] {
  const items: CheckItem[] = [];
  const streamName = f.stream?.file ?? `${f.dir}/events.ndjson`;
  if (!f.stream) {
    items.push(item(streamName, [{ file: streamName, pointer: '/', rule: 'missing-fixtures', message: `no fixture stream for ${model}` }]));
  } else if (!validator) items.push(skippedItem(streamName, skip!));
  else {
    const violations: ContractCheckViolation[] = [];
    const ok: EventEnvelope[] = [];
    for (const l of f.stream.lines) {
      if (l.error !== undefined) {
        violations.push({ file: f.stream.file, line: l.line, pointer: '/', rule: 'json', message: l.error });
        continue;
      }
      const r = validator.validate(l.json);
      if (r.ok) ok.push(r.envelope);
      else {
        const v = r.violation;
        violations.push({
          file: f.stream.file,
          line: l.line,
          ...(v.schemaFile ? { otherFile: fileOf.get(v.schemaFile) ?? v.schemaFile } : {}),
          pointer: v.pointer,
          rule: v.rule,
          message: `${v.eventType ?? 'event'}${v.eventVersion !== undefined ? ` v${v.eventVersion}` : ''}${v.eventId ? ` ${v.eventId}` : ''}: ${v.message}`,
        });
      }
    }
    if (f.stream.lines.length === 0) {
      violations.push({ file: f.stream.file, pointer: '/', rule: 'empty', message: 'the fixture stream holds no events' });
    }
    accepted.set(model, ok);
    items.push(item(f.stream.file, violations));
  }

  for (const inv of f.invalid) {
    if (!validator) {
      items.push(skippedItem(inv.file, skip!));
      continue;
    }
    items.push(item(inv.file, checkInvalidFixture(inv, validator)));
  }
  return items;
}

function checkInvalidFixture(inv: { file: string; json?: unknown; error?: string }, validator: EventValidator): ContractCheckViolation[] {
  if (inv.error !== undefined) return [{ file: inv.file, pointer: '/', rule: 'json', message: inv.error }];
  if (!isInvalidFixture(inv.json)) {
    return [
      {
        file: inv.file,
        pointer: '/',
        rule: 'fixture-format',
        message: 'an invalid fixture is { "reason": string, "expect": { "pointer": string, "rule": string }, "event": {...} }',
      },
    ];
  }
  const { reason, expect, event } = inv.json;
  const r = validator.validate(event);
  if (r.ok) {
    return [
      {
        file: inv.file,
        pointer: '/event',
        rule: 'expected-invalid',
        message: `the event validates, but should fail at ${expect.pointer} by rule ${expect.rule} (${reason})`,
      },
    ];
  }
  const got = r.violation;
  if (got.pointer === expect.pointer && got.rule === expect.rule) return [];
  return [
    {
      file: inv.file,
      pointer: '/expect',
      rule: 'wrong-failure',
      message: `the event fails at ${got.pointer} by rule ${got.rule} (${got.message}), but the fixture documents ${expect.pointer} by rule ${expect.rule} (${reason})`,
    },
  ];
}
