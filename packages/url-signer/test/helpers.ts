import { UrlSignerError } from '../src/index.ts';

/** The `code` of the UrlSignerError `run` throws; undefined when it does not throw. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof UrlSignerError ? error.code : `not a UrlSignerError: ${String(error)}`;
  }
  return undefined;
}

/** The `code` of the UrlSignerError `run` rejects with; undefined when it resolves. */
export async function rejectionCode(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return error instanceof UrlSignerError ? error.code : `not a UrlSignerError: ${String(error)}`;
  }
  return undefined;
}
