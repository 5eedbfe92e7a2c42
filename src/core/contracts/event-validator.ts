import type { ErrorObject, ValidateFunction } from 'ajv';
import type { EventEnvelope } from '../envelope.js';
import { createAjv } from './ajv-factory.js';
import { contractKey } from './contract-id.js';
import type { ContractSet, ContractViolation, EventContract, Upcaster } from './contract-types.js';

export type ValidationOutcome = { ok: true; envelope: EventEnvelope; upcastFrom?: number } | { ok: false; violation: ContractViolation };

export interface EventValidator {
  /** Validates a decoded message against the envelope and its event contract, then upcasts it. */
  validate(raw: unknown): ValidationOutcome;
  latestVersion(eventType: string): number | undefined;
  contracts: readonly EventContract[];
}

/**
 * Compiles every schema once, up front, so validating an event is a lookup and a call. Upcasting runs
 * after validation against the event's own version, then the upcasted data is checked again against
 * the newest version: an upcaster that produces invalid data is caught, not projected.
 */
export function createEventValidator(set: ContractSet, upcasters: readonly Upcaster[] = []): EventValidator {
  const ajv = createAjv();
  const envelopeCheck = ajv.compile(set.envelope);
  // By type, then version: the lookup runs once per event, so it builds no key string.
  const byType = new Map<string, EventType>();
  for (const c of set.events) {
    let t = byType.get(c.eventType);
    if (!t) byType.set(c.eventType, (t = { latest: 0, versions: new Map() }));
    t.versions.set(c.version, { contract: c, check: ajv.compile(c.schema) });
    t.latest = Math.max(t.latest, c.version);
  }
  const upcasterFor = new Map(upcasters.map((u) => [contractKey(u.eventType, u.fromVersion), u]));

  function fail(raw: Partial<EventEnvelope>, v: Omit<ContractViolation, 'eventId' | 'eventType' | 'eventVersion'>) {
    return {
      ok: false as const,
      violation: {
        ...(typeof raw.eventId === 'string' ? { eventId: raw.eventId } : {}),
        ...(typeof raw.eventType === 'string' ? { eventType: raw.eventType } : {}),
        ...(typeof raw.eventVersion === 'number' ? { eventVersion: raw.eventVersion } : {}),
        ...v,
      },
    };
  }

  function validate(raw: unknown): ValidationOutcome {
    const env = (raw ?? {}) as Partial<EventEnvelope>;
    if (!envelopeCheck(raw)) {
      return fail(env, { ...describe(envelopeCheck.errors, ''), schemaFile: 'envelope.v1.json' });
    }
    const type = byType.get(env.eventType!);
    const entry = type?.versions.get(env.eventVersion!);
    if (!type || !entry) {
      return fail(env, {
        pointer: '/eventType',
        rule: 'contract',
        message: `no contract for ${env.eventType} v${env.eventVersion}`,
      });
    }
    if (!entry.check(env.data)) {
      return fail(env, { ...describe(entry.check.errors, '/data'), schemaFile: entry.contract.file });
    }
    let data = env.data as Record<string, unknown>;
    let version = env.eventVersion!;
    const newest = type.latest;
    while (version < newest) {
      const u = upcasterFor.get(contractKey(env.eventType!, version));
      if (!u) {
        return fail(env, {
          pointer: '/eventVersion',
          rule: 'upcaster',
          message: `no upcaster from ${env.eventType} v${version} towards v${newest}`,
        });
      }
      data = u.upcast(data);
      version = u.toVersion;
    }
    if (version !== env.eventVersion) {
      const target = type.versions.get(version)!;
      if (!target.check(data)) {
        const d = describe(target.check.errors, '/data');
        return fail(env, { ...d, rule: `upcast:${d.rule}`, schemaFile: target.contract.file });
      }
      return { ok: true, envelope: { ...(env as EventEnvelope), eventVersion: version, data }, upcastFrom: env.eventVersion! };
    }
    return { ok: true, envelope: env as EventEnvelope };
  }

  return {
    validate,
    latestVersion: (t) => byType.get(t)?.latest,
    contracts: set.events,
  };
}

interface EventType {
  latest: number;
  versions: Map<number, { contract: EventContract; check: ValidateFunction }>;
}

function describe(errors: ErrorObject[] | null | undefined, prefix: string) {
  const e = errors?.[0];
  if (!e) return { pointer: prefix || '/', rule: 'unknown', message: 'invalid' };
  // For `required` and `additionalProperties` the offending property is in params, not the path.
  let pointer = `${prefix}${e.instancePath}`;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof p.missingProperty === 'string') pointer += `/${p.missingProperty}`;
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') pointer += `/${p.additionalProperty}`;
  return { pointer: pointer || '/', rule: e.keyword, message: e.message ?? 'invalid' };
}
