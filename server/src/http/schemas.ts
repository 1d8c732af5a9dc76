import type { TSchema } from 'typebox';
import { Type } from './json-schema.ts';
import { MAX_WATERMARK_TEXT } from '../imaging/watermark-spec.ts';

/**
 * The JSON-schema pieces every capability's routes share. Every object a route accepts or
 * returns is `closed` (route-rules.ts refuses one that is not), so unknown fields are refused.
 */

export const closed = { additionalProperties: false } as const;

export const uuidField = Type.String({ format: 'uuid', maxLength: 36 });

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A short-lived signed link, as every "…-url" operation answers. */
export const signedUrlSchema = Type.Object({ url: Type.String(), expiresAt: Type.String() }, closed);

/** A visible watermark as a photographer sets it (imaging/watermark-spec.ts): a delivery's, and with `logo` a portfolio collection's. */
export const watermarkFields = {
  text: Type.String({ minLength: 1, maxLength: MAX_WATERMARK_TEXT }),
  position: Type.Union([
    Type.Literal('center'),
    Type.Literal('top-left'),
    Type.Literal('top'),
    Type.Literal('top-right'),
    Type.Literal('left'),
    Type.Literal('right'),
    Type.Literal('bottom-left'),
    Type.Literal('bottom'),
    Type.Literal('bottom-right'),
  ]),
  opacity: Type.Number({ minimum: 0.05, maximum: 1 }),
};
