import { type TSchema, Type } from 'typebox';

/**
 * The JSON-schema pieces every capability's routes share. Every object a route accepts or
 * returns is `closed` (route-rules.ts refuses one that is not), so unknown fields are refused.
 */

export const closed = { additionalProperties: false } as const;

export const uuidField = Type.String({ format: 'uuid', maxLength: 36 });

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A short-lived signed link, as every "…-url" operation answers. */
export const signedUrlSchema = Type.Object({ url: Type.String(), expiresAt: Type.String() }, closed);
