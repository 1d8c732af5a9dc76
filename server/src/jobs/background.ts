/**
 * Work that must not hold up an HTTP answer. Sign-in and reset emails are sent this way, so the
 * response time is the same whether or not a message was sent (no account enumeration by
 * timing). Failures are logged, never thrown into the request. In-process: what is pending is
 * remembered, so a graceful shutdown (main.ts) waits for it (`settleBackgroundWork`) before the
 * pools close; a killed process loses it (the user asks for a new code).
 */
const pending = new Set<Promise<void>>();

export function runInBackground(logger: { error(object: object, message: string): void }, label: string, task: () => Promise<void>): void {
  const run = new Promise<void>((resolve) => setImmediate(resolve))
    .then(task)
    .catch((error: unknown) => logger.error({ err: error, job: label }, 'background job failed'))
    .finally(() => pending.delete(run));
  pending.add(run);
}

/** Resolves once every task started so far has finished (or failed). */
export async function settleBackgroundWork(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
