import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { fastPaths, withFastPath } from './fast-formats.js';

type AjvCtor = typeof import('ajv/dist/2020.js').default;
// ajv ships CommonJS with a `default` property; under NodeNext the default import is the module object.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof import('ajv-formats').default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

export type Ajv = InstanceType<AjvCtor>;

/** One configuration for every place that compiles our schemas: strict, all errors, formats on. */
export function createAjv(): Ajv {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // The envelope's formats, checked on every event: the same verdicts, sooner (see fast-formats.ts).
  const dateTime = fullFormats['date-time'] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  ajv.addFormat('date-time', {
    type: 'string',
    validate: withFastPath(fastPaths['date-time'], dateTime.validate),
    compare: dateTime.compare,
  });
  const uuid = fullFormats.uuid as RegExp;
  ajv.addFormat('uuid', { type: 'string', validate: withFastPath(fastPaths.uuid, (s) => uuid.test(s)) });
  ajv.addKeyword({
    keyword: 'x-readmodel',
    metaSchema: {
      type: 'object',
      required: ['eventType', 'version', 'aggregateType'],
      properties: {
        eventType: { type: 'string' },
        version: { type: 'integer', minimum: 1 },
        aggregateType: { type: 'string' },
        compatibility: {
          enum: ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'],
        },
        ignored: { type: 'boolean' },
        invalidFixtureReason: { type: 'string' },
      },
      additionalProperties: false,
    },
  });
  return ajv;
}
