import { AjvCompiler, type BuildCompilerFromPool } from '@fastify/ajv-compiler';
import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type CompilersFactory = { buildValidator: BuildCompilerFromPool; buildSerializer: SerializerFactory };
type Validator = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

export interface LazySchemaCompilers {
  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  compilersFactory: CompilersFactory;
  /** Compiles every schema not compiled yet and answers how many there were (tests: a schema that cannot compile fails there, not on a request). */
  compileAll(): number;
}

/**
 * Fastify's own compilers (ajv for request validation, fast-json-stringify for responses), each
 * schema compiled on its route's first request instead of when the app starts. Compiled at
 * start, the ~300 routes' generated validators and serializers held ~12 MiB at rest, most of
 * it for routes a given server seldom or never answers (docs/performance.md). Nothing is
 * skipped: a request is validated by the compiled schema, which is compiled before it is used;
 * a schema that fails to compile fails its requests with a 500. One difference from Fastify's
 * built-in compiler: header schemas are not lower-cased for it, so their keys are written in
 * lower case (as every route's are) — and a key that is not fails the route's registration
 * (assertLowerCaseHeaders): Node hands Fastify lower-cased header names, so a mixed-case key
 * would silently never match, its `required` never met and its constraints never applied.
 */
/** Throws when a header schema names a header in anything but lower case (its properties or `required`). */
export function assertLowerCaseHeaders(schema: unknown, route: string): void {
  const { properties, required } = (schema ?? {}) as { properties?: Record<string, unknown>; required?: unknown };
  const names = [...Object.keys(properties ?? {}), ...(Array.isArray(required) ? (required as unknown[]).map(String) : [])];
  const mixed = names.find((name) => name !== name.toLowerCase());
  if (mixed !== undefined) throw new Error(`${route}: the header schema names "${mixed}"; header names arrive lower-cased, so write it "${mixed.toLowerCase()}".`);
}

export function createLazySchemaCompilers(): LazySchemaCompilers {
  const pending = new Set<() => unknown>();
  function deferred<T>(compile: () => T): () => T {
    let compiled: { value: T } | undefined;
    const get = (): T => {
      if (!compiled) {
        compiled = { value: compile() };
        pending.delete(get);
      }
      return compiled.value;
    };
    pending.add(get);
    return get;
  }
  const validatorBuilder = AjvCompiler();
  const serializerBuilder = SerializerSelector();
  const compilersFactory: CompilersFactory = {
    buildValidator(externalSchemas, options) {
      const compileValidator = validatorBuilder(externalSchemas, options);
      return (route) => {
        // Fastify hands the route's part with it (the types name only the schema).
        const part = route as unknown as { httpPart?: string; schema: unknown; method: string; url: string };
        if (part.httpPart === 'headers') assertLowerCaseHeaders(part.schema, `${part.method} ${part.url}`);
        const compiled = deferred(() => compileValidator(route) as Validator);
        const validate: Validator = (data, context) => {
          const validator = compiled();
          const result = validator(data, context);
          // Fastify reads the errors off the function it was given, right after the call.
          validate.errors = validator.errors;
          return result;
        };
        // Fastify passes ajv its parent-data context when the validator has one (read just before the call).
        Object.defineProperty(validate, 'schemaEnv', { get: () => compiled().schemaEnv });
        return validate as never;
      };
    },
    buildSerializer(externalSchemas, options) {
      const compileSerializer = serializerBuilder(externalSchemas, options);
      return (route) => {
        const compiled = deferred(() => compileSerializer(route));
        return (data: unknown) => compiled()(data);
      };
    },
  };
  return {
    compilersFactory,
    compileAll() {
      const count = pending.size;
      for (const compile of [...pending]) compile();
      return count;
    },
  };
}
