import type { CompiledQuery, Compilable } from 'kysely';
import type { Db } from './database.ts';

/**
 * A repository's query built and compiled once per database handle, then run with each call's
 * arguments: for the lookups a hot path makes on every request (the image service's cached
 * answer), where Kysely's building and compiling cost more than SQLite's reading
 * (docs/performance.md). The SQL stays parameterised: the query is built once with a placeholder
 * for each argument, and each placeholder must come out of the compiler as one parameter of its
 * own (an argument in an IN list or folded into the SQL text is refused at the first call).
 */
export function preparedQuery<Args extends readonly string[], Row>(build: (db: Db, ...args: Args) => Compilable<Row>): (db: Db, ...args: Args) => Promise<Row[]> {
  const compiled = new WeakMap<Db, { query: CompiledQuery<Row>; argumentAt: readonly number[] }>();
  const compile = (db: Db, arity: number) => {
    const placeholders = Array.from({ length: arity }, (_, index) => `\u0000argument ${index}\u0000`);
    const query = build(db, ...(placeholders as unknown as Args)).compile();
    const argumentAt = query.parameters.map((value) => placeholders.indexOf(value as string));
    const once = placeholders.every((_, index) => argumentAt.filter((at) => at === index).length === 1);
    if (!once || query.sql.includes('\u0000')) throw new Error('preparedQuery: each argument must be one parameter of the query');
    const entry = { query, argumentAt };
    compiled.set(db, entry);
    return entry;
  };
  return async (db, ...args) => {
    const { query, argumentAt } = compiled.get(db) ?? compile(db, args.length);
    const parameters = query.parameters.map((value, index) => (argumentAt[index] === -1 ? value : args[argumentAt[index]!]));
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
