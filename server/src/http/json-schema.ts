import type { TEnum, TEnumValue, TObjectOptions, TRecordAction, TSchema, TSchemaOptions, TString, Type as TypeBox } from 'typebox';

/**
 * The JSON Schema builders every route and schema module uses: the same schemas, key for key,
 * as TypeBox's builders of the same names (json-schema.test.ts compares them), typed as TypeBox
 * types so Fastify's TypeBox provider still gives handlers their static types. TypeBox itself is
 * imported for its types only: at run time its 683 modules cost the idle server ~5 MiB, for
 * builders whose output is plain JSON Schema (docs/performance.md, 4 December 2026).
 */
type Builders = Pick<typeof TypeBox, 'Array' | 'Boolean' | 'Integer' | 'Literal' | 'Null' | 'Number' | 'Object' | 'Optional' | 'String' | 'Union' | 'Unknown'> & {
  /** TypeBox's Enum of a list of values (not of a TypeScript enum). */
  Enum<Values extends TEnumValue[]>(values: readonly [...Values], options?: TSchemaOptions): TEnum<Values>;
  /** TypeBox's Record with string keys: every property's value matches `value`. */
  Record<Value extends TSchema>(key: TString, value: Value, options?: TObjectOptions): TRecordAction<TString, Value>;
};

/** TypeBox's mark of an optional property: hidden, as TypeBox hides it, so no schema shows it. */
const optionalMark = '~optional';

/** The keywords, then the caller's options (which win, as in TypeBox); typed by the builder's signature. */
function schema(keywords: object, options: object = {}): never {
  return { ...keywords, ...options } as never;
}

function isOptional(property: object): boolean {
  return Object.hasOwn(property, optionalMark);
}

export const Type: Builders = {
  Array: (items, options) => schema({ type: 'array', items }, options),
  Boolean: (options) => schema({ type: 'boolean' }, options),
  Enum: (values, options) => schema({ enum: values }, options),
  Integer: (options) => schema({ type: 'integer' }, options),
  Literal: (value, options) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError('A literal is a string, a number or a boolean.');
    return schema({ type: typeof value, const: value }, options);
  },
  Null: (options) => schema({ type: 'null' }, options),
  Number: (options) => schema({ type: 'number' }, options),
  Object: (properties, options) => {
    const required = Object.keys(properties).filter((key) => !isOptional(properties[key] as object));
    return schema({ type: 'object', ...(required.length > 0 ? { required } : {}), properties }, options);
  },
  Optional: (type) => Object.defineProperty({ ...type }, optionalMark, { value: true, writable: true, configurable: true, enumerable: false }) as never,
  Record: (key, value, options) => {
    if ((key as { type?: unknown }).type !== 'string' || Object.keys(key).length !== 1) throw new TypeError('A record is keyed by a plain Type.String().');
    return schema({ type: 'object', patternProperties: { '^.*$': value } }, options);
  },
  String: (options) => schema({ type: 'string' }, options),
  Union: (anyOf, options) => schema({ anyOf }, options),
  Unknown: (options) => schema({}, options),
};
