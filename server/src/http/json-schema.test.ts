import { Type as TypeBox } from 'typebox';
import { describe, expect, it } from 'vitest';
import { Type } from './json-schema.ts';

/** Each schema as JSON (so in key order, as the OpenAPI document and the validators see it) and whether it is marked optional. */
const shape = (schema: object) => ({ json: JSON.stringify(schema), optional: Object.hasOwn(schema, '~optional') });

describe('the JSON Schema builders', () => {
  it('build what TypeBox builds, key for key', () => {
    const cases: Array<[object, object]> = [
      [Type.String(), TypeBox.String()],
      [Type.String({ format: 'uuid', maxLength: 36 }), TypeBox.String({ format: 'uuid', maxLength: 36 })],
      [Type.Integer({ minimum: 1, description: 'n' }), TypeBox.Integer({ minimum: 1, description: 'n' })],
      [Type.Number({ minimum: 0.05, maximum: 1 }), TypeBox.Number({ minimum: 0.05, maximum: 1 })],
      [Type.Boolean(), TypeBox.Boolean()],
      [Type.Null(), TypeBox.Null()],
      [Type.Unknown({ description: 'JSON' }), TypeBox.Unknown({ description: 'JSON' })],
      [Type.Literal('ready'), TypeBox.Literal('ready')],
      [Type.Literal(2, { description: 'two' }), TypeBox.Literal(2, { description: 'two' })],
      [Type.Literal(true), TypeBox.Literal(true)],
      [Type.Enum(['a', 'b']), TypeBox.Enum(['a', 'b'])],
      [Type.Array(Type.String(), { maxItems: 3 }), TypeBox.Array(TypeBox.String(), { maxItems: 3 })],
      [Type.Union([Type.String(), Type.Null()]), TypeBox.Union([TypeBox.String(), TypeBox.Null()])],
      [Type.Union([Type.Literal('a'), Type.Literal('b')], { description: 'one of' }), TypeBox.Union([TypeBox.Literal('a'), TypeBox.Literal('b')], { description: 'one of' })],
      [Type.Record(Type.String(), Type.Number()), TypeBox.Record(TypeBox.String(), TypeBox.Number())],
      [Type.Optional(Type.String({ minLength: 1 })), TypeBox.Optional(TypeBox.String({ minLength: 1 }))],
      [Type.Optional(Type.Union([Type.String(), Type.Null()])), TypeBox.Optional(TypeBox.Union([TypeBox.String(), TypeBox.Null()]))],
      [Type.Object({}), TypeBox.Object({})],
      [Type.Object({ a: Type.Optional(Type.Integer()) }), TypeBox.Object({ a: TypeBox.Optional(TypeBox.Integer()) })],
      [
        Type.Object({ id: Type.String(), note: Type.Optional(Type.String()), tags: Type.Array(Type.Literal('x')) }, { additionalProperties: false, description: 'closed' }),
        TypeBox.Object({ id: TypeBox.String(), note: TypeBox.Optional(TypeBox.String()), tags: TypeBox.Array(TypeBox.Literal('x')) }, { additionalProperties: false, description: 'closed' }),
      ],
      [
        Type.Object({ inner: Type.Optional(Type.Object({ b: Type.Boolean() }, { additionalProperties: false })) }, { additionalProperties: false }),
        TypeBox.Object({ inner: TypeBox.Optional(TypeBox.Object({ b: TypeBox.Boolean() }, { additionalProperties: false })) }, { additionalProperties: false }),
      ],
    ];
    for (const [ours, typebox] of cases) expect(shape(ours)).toEqual(shape(typebox));
  });

  it('leave the schema they are given unchanged when marking it optional', () => {
    const field = Type.String();
    const optional = Type.Optional(field);
    expect(Object.hasOwn(field, '~optional')).toBe(false);
    expect(Object.keys(optional)).toEqual(['type']);
  });

  it('refuse what they do not build as TypeBox does', () => {
    expect(() => Type.Record(Type.String({ pattern: '^a' }), Type.Number())).toThrow(TypeError);
    expect(() => Type.Literal(1n as never)).toThrow(TypeError);
  });
});
