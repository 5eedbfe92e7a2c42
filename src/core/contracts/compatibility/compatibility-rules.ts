import type { CompatibilityMode } from '../contract-types.js';
import type { DifferenceKind, SchemaDifference } from './schema-difference.js';

/**
 * Which schema differences a reader survives. A difference is always stated writer -> reader (see
 * schema-diff.ts); the direction of a check only decides which version plays which part:
 *
 *   backward: a consumer on the NEW schema reads data written with the OLD one  (writer = old, reader = new)
 *   forward:  a consumer on the OLD schema reads data written with the NEW one  (writer = new, reader = old)
 *
 * The verdicts follow Confluent Schema Registry's JSON Schema rules: widening what the reader accepts is
 * compatible, narrowing it is not; an open content model (additionalProperties not false) may already
 * carry any value under a name the reader now types, a closed one cannot; a required property needs a
 * default. Every kind must be classified here: the compiler enforces that the table is complete.
 */
export const COMPATIBILITY_RULES: Readonly<Record<DifferenceKind, { compatible: boolean; explain: string }>> = {
  ID_CHANGED: { compatible: true, explain: '$id changed' },
  TITLE_CHANGED: { compatible: true, explain: 'title changed' },
  DESCRIPTION_CHANGED: { compatible: true, explain: 'description changed' },
  DEFAULT_CHANGED: { compatible: true, explain: 'default changed' },

  TYPE_EXTENDED: { compatible: true, explain: 'the reader accepts more types than the writer produced' },
  TYPE_NARROWED: { compatible: false, explain: 'the reader accepts fewer types than the writer produced (e.g. number -> integer)' },
  TYPE_CHANGED: { compatible: false, explain: 'the reader expects a different type than the writer produced' },
  READER_REJECTS_ALL: { compatible: false, explain: 'the reader schema is false: it rejects every value the writer may produce' },
  ENUM_ADDED: { compatible: false, explain: 'the reader restricts the value to an enum the writer did not have' },
  ENUM_REMOVED: { compatible: true, explain: 'the reader no longer restricts the value to an enum' },
  ENUM_EXTENDED: { compatible: true, explain: 'the reader accepts more enum values' },
  ENUM_NARROWED: { compatible: false, explain: 'the reader dropped enum values the writer may produce' },
  ENUM_CHANGED: { compatible: false, explain: 'the reader accepts different enum/const values than the writer produced' },

  MAX_LENGTH_ADDED: { compatible: false, explain: 'the reader added a maxLength' },
  MAX_LENGTH_REMOVED: { compatible: true, explain: 'the reader dropped the maxLength' },
  MAX_LENGTH_INCREASED: { compatible: true, explain: 'the reader raised the maxLength' },
  MAX_LENGTH_DECREASED: { compatible: false, explain: 'the reader lowered the maxLength' },
  MIN_LENGTH_ADDED: { compatible: false, explain: 'the reader added a minLength' },
  MIN_LENGTH_REMOVED: { compatible: true, explain: 'the reader dropped the minLength' },
  MIN_LENGTH_INCREASED: { compatible: false, explain: 'the reader raised the minLength' },
  MIN_LENGTH_DECREASED: { compatible: true, explain: 'the reader lowered the minLength' },
  PATTERN_ADDED: { compatible: false, explain: 'the reader added a pattern' },
  PATTERN_REMOVED: { compatible: true, explain: 'the reader dropped the pattern' },
  PATTERN_CHANGED: { compatible: false, explain: 'the reader has a different pattern' },
  FORMAT_ADDED: { compatible: false, explain: 'the reader added a string format the writer did not assert' },
  FORMAT_REMOVED: { compatible: true, explain: 'the reader dropped the string format' },
  FORMAT_CHANGED: { compatible: false, explain: 'the reader asserts a different string format' },

  MAXIMUM_ADDED: { compatible: false, explain: 'the reader added a maximum' },
  MAXIMUM_REMOVED: { compatible: true, explain: 'the reader dropped the maximum' },
  MAXIMUM_INCREASED: { compatible: true, explain: 'the reader raised the maximum' },
  MAXIMUM_DECREASED: { compatible: false, explain: 'the reader lowered the maximum' },
  MINIMUM_ADDED: { compatible: false, explain: 'the reader added a minimum' },
  MINIMUM_REMOVED: { compatible: true, explain: 'the reader dropped the minimum' },
  MINIMUM_INCREASED: { compatible: false, explain: 'the reader raised the minimum' },
  MINIMUM_DECREASED: { compatible: true, explain: 'the reader lowered the minimum' },
  EXCLUSIVE_MAXIMUM_ADDED: { compatible: false, explain: 'the reader added an exclusiveMaximum' },
  EXCLUSIVE_MAXIMUM_REMOVED: { compatible: true, explain: 'the reader dropped the exclusiveMaximum' },
  EXCLUSIVE_MAXIMUM_INCREASED: { compatible: true, explain: 'the reader raised the exclusiveMaximum' },
  EXCLUSIVE_MAXIMUM_DECREASED: { compatible: false, explain: 'the reader lowered the exclusiveMaximum' },
  EXCLUSIVE_MINIMUM_ADDED: { compatible: false, explain: 'the reader added an exclusiveMinimum' },
  EXCLUSIVE_MINIMUM_REMOVED: { compatible: true, explain: 'the reader dropped the exclusiveMinimum' },
  EXCLUSIVE_MINIMUM_INCREASED: { compatible: false, explain: 'the reader raised the exclusiveMinimum' },
  EXCLUSIVE_MINIMUM_DECREASED: { compatible: true, explain: 'the reader lowered the exclusiveMinimum' },
  MULTIPLE_OF_ADDED: { compatible: false, explain: 'the reader added a multipleOf' },
  MULTIPLE_OF_REMOVED: { compatible: true, explain: 'the reader dropped the multipleOf' },
  MULTIPLE_OF_REDUCED: { compatible: true, explain: "the reader's multipleOf divides the writer's" },
  MULTIPLE_OF_EXPANDED: { compatible: false, explain: "the reader's multipleOf is a multiple of the writer's" },
  MULTIPLE_OF_CHANGED: { compatible: false, explain: 'the reader has an unrelated multipleOf' },

  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader types a property the writer's open content model may already carry with any value",
  },
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: { compatible: true, explain: 'the reader declares an untyped property' },
  OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader added an optional property to a closed content model',
  },
  REQUIRED_PROPERTY_ADDED: {
    compatible: false,
    explain: 'the reader requires a new property without a default; the writer never produced it',
  },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED: { compatible: true, explain: 'the reader requires a new property that has a default' },
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: "the reader's new property accepts whatever the writer's additionalProperties/patternProperties allowed there",
  },
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader's new property rejects values the writer's additionalProperties/patternProperties allowed there",
  },
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader dropped a property; its open content model still accepts it',
  },
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    compatible: false,
    explain: 'the reader dropped a property from a closed content model (additionalProperties: false) and now rejects it',
  },
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: true, explain: 'the reader dropped a property the writer forbade' },
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: "the reader dropped a property; its additionalProperties/patternProperties still accept the writer's values",
  },
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader dropped a property; its additionalProperties/patternProperties reject the writer's values",
  },
  REQUIRED_ATTRIBUTE_ADDED: { compatible: false, explain: 'the reader requires a property (without a default) the writer had optional' },
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: { compatible: true, explain: 'the reader requires a property that has a default' },
  REQUIRED_ATTRIBUTE_REMOVED: { compatible: true, explain: 'the reader no longer requires a property' },
  ADDITIONAL_PROPERTIES_ADDED: { compatible: true, explain: 'the reader opened its content model' },
  ADDITIONAL_PROPERTIES_REMOVED: {
    compatible: false,
    explain: 'the reader closed its content model (additionalProperties: false) and rejects extra properties the writer allowed',
  },
  ADDITIONAL_PROPERTIES_EXTENDED: { compatible: true, explain: 'the reader accepts any additional property' },
  ADDITIONAL_PROPERTIES_NARROWED: { compatible: false, explain: 'the reader constrains additional properties the writer left free' },
  PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader added patternProperties the closed writer never produced',
  },
  PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader constrains property names the writer's open content model left free",
  },
  PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader dropped patternProperties; its open content model still accepts them',
  },
  PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    compatible: false,
    explain: 'the reader dropped patternProperties and now rejects those properties',
  },
  PROPERTY_NAMES_ADDED: { compatible: false, explain: 'the reader added a propertyNames constraint' },
  PROPERTY_NAMES_REMOVED: { compatible: true, explain: 'the reader dropped the propertyNames constraint' },
  MAX_PROPERTIES_ADDED: { compatible: false, explain: 'the reader added a maxProperties' },
  MAX_PROPERTIES_REMOVED: { compatible: true, explain: 'the reader dropped the maxProperties' },
  MAX_PROPERTIES_INCREASED: { compatible: true, explain: 'the reader raised the maxProperties' },
  MAX_PROPERTIES_DECREASED: { compatible: false, explain: 'the reader lowered the maxProperties' },
  MIN_PROPERTIES_ADDED: { compatible: false, explain: 'the reader added a minProperties' },
  MIN_PROPERTIES_REMOVED: { compatible: true, explain: 'the reader dropped the minProperties' },
  MIN_PROPERTIES_INCREASED: { compatible: false, explain: 'the reader raised the minProperties' },
  MIN_PROPERTIES_DECREASED: { compatible: true, explain: 'the reader lowered the minProperties' },
  DEPENDENT_REQUIRED_ADDED: { compatible: false, explain: 'the reader added a dependentRequired entry' },
  DEPENDENT_REQUIRED_REMOVED: { compatible: true, explain: 'the reader dropped a dependentRequired entry' },
  DEPENDENT_REQUIRED_EXTENDED: { compatible: false, explain: 'the reader requires more dependent properties' },
  DEPENDENT_REQUIRED_NARROWED: { compatible: true, explain: 'the reader requires fewer dependent properties' },
  DEPENDENT_REQUIRED_CHANGED: { compatible: false, explain: 'the reader requires different dependent properties' },

  ITEMS_ADDED: { compatible: false, explain: 'the reader constrains array items the writer left free' },
  ITEMS_REMOVED: { compatible: true, explain: 'the reader accepts any array item' },
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: { compatible: false, explain: "the reader types a tuple position the writer's open items left free" },
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: { compatible: true, explain: 'the reader declares an untyped tuple position' },
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: { compatible: true, explain: 'the reader added a tuple position the closed writer never produced' },
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: "the reader's new tuple position accepts the writer's items",
  },
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader's new tuple position rejects the writer's items",
  },
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader dropped a tuple position; its open items still accept it',
  },
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: false, explain: 'the reader dropped a tuple position and rejects extra items' },
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    compatible: true,
    explain: 'the reader dropped a tuple position the writer forbade',
  },
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    explain: "the reader's items accept the dropped tuple position",
  },
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    explain: "the reader's items reject the dropped tuple position",
  },
  CONTAINS_ADDED: { compatible: false, explain: 'the reader added a contains constraint' },
  CONTAINS_REMOVED: { compatible: true, explain: 'the reader dropped the contains constraint' },
  MAX_ITEMS_ADDED: { compatible: false, explain: 'the reader added a maxItems' },
  MAX_ITEMS_REMOVED: { compatible: true, explain: 'the reader dropped the maxItems' },
  MAX_ITEMS_INCREASED: { compatible: true, explain: 'the reader raised the maxItems' },
  MAX_ITEMS_DECREASED: { compatible: false, explain: 'the reader lowered the maxItems' },
  MIN_ITEMS_ADDED: { compatible: false, explain: 'the reader added a minItems' },
  MIN_ITEMS_REMOVED: { compatible: true, explain: 'the reader dropped the minItems' },
  MIN_ITEMS_INCREASED: { compatible: false, explain: 'the reader raised the minItems' },
  MIN_ITEMS_DECREASED: { compatible: true, explain: 'the reader lowered the minItems' },
  MAX_CONTAINS_ADDED: { compatible: false, explain: 'the reader added a maxContains' },
  MAX_CONTAINS_REMOVED: { compatible: true, explain: 'the reader dropped the maxContains' },
  MAX_CONTAINS_INCREASED: { compatible: true, explain: 'the reader raised the maxContains' },
  MAX_CONTAINS_DECREASED: { compatible: false, explain: 'the reader lowered the maxContains' },
  MIN_CONTAINS_ADDED: { compatible: false, explain: 'the reader added a minContains' },
  MIN_CONTAINS_REMOVED: { compatible: true, explain: 'the reader dropped the minContains' },
  MIN_CONTAINS_INCREASED: { compatible: false, explain: 'the reader raised the minContains' },
  MIN_CONTAINS_DECREASED: { compatible: true, explain: 'the reader lowered the minContains' },
  UNIQUE_ITEMS_ADDED: { compatible: false, explain: 'the reader requires unique items' },
  UNIQUE_ITEMS_REMOVED: { compatible: true, explain: 'the reader no longer requires unique items' },

  SUM_TYPE_EXTENDED: { compatible: true, explain: 'the reader accepts more alternatives (anyOf/oneOf)' },
  SUM_TYPE_NARROWED: { compatible: false, explain: 'the reader accepts fewer alternatives (anyOf/oneOf)' },
  SUM_TYPE_ADDED: { compatible: true, explain: "the reader became a union that includes the writer's schema" },
  SUM_TYPE_REMOVED: { compatible: true, explain: 'the reader is no longer a union, and reads every former alternative' },
  COMBINED_TYPE_EXTENDED: { compatible: true, explain: 'the reader relaxed oneOf to anyOf' },
  COMBINED_TYPE_CHANGED: { compatible: false, explain: 'the reader tightened anyOf to oneOf' },
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: { compatible: false, explain: 'no alternative of the reader reads this alternative of the writer' },
  NOT_ADDED: { compatible: false, explain: 'the reader added a not constraint' },
  NOT_REMOVED: { compatible: true, explain: 'the reader dropped its not constraint' },
  NOT_NARROWED: { compatible: true, explain: 'the reader excludes less (its not is narrower)' },
  NOT_EXTENDED: { compatible: false, explain: 'the reader excludes more (its not is wider)' },

  REF_CHANGED: { compatible: false, explain: 'a $ref that cannot be resolved locally points elsewhere' },
  UNSUPPORTED_KEYWORD_CHANGED: { compatible: false, explain: 'a keyword this check does not model changed; review it by hand' },
};

export function isCompatibleKind(kind: DifferenceKind): boolean {
  return COMPATIBILITY_RULES[kind].compatible;
}

export type ReadDirection = 'backward' | 'forward';

/** Which directions a mode checks; NONE checks none. */
export function directionsFor(mode: CompatibilityMode): ReadDirection[] {
  if (mode.startsWith('BACKWARD')) return ['backward'];
  if (mode.startsWith('FORWARD')) return ['forward'];
  if (mode.startsWith('FULL')) return ['backward', 'forward'];
  return [];
}

export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

/** One sentence for an incompatible difference, naming who reads whom. */
export function explainDifference(d: SchemaDifference, direction: ReadDirection, older: string, newer: string): string {
  const [reader, writer] = direction === 'backward' ? [newer, older] : [older, newer];
  const rule = COMPATIBILITY_RULES[d.kind];
  return `${direction.toUpperCase()}: a consumer on ${reader} cannot read data written with ${writer}: ${rule.explain}${d.detail ? ` (${d.detail})` : ''}`;
}
