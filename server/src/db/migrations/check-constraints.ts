import { type RawBuilder, sql } from 'kysely';

/** `column in ('a', 'b')` for a CHECK constraint over a fixed list of literals. */
export function sqlIn(column: string, values: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}
