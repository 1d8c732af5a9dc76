/**
 * Work that must not hold up an HTTP answer. Sign-in and reset emails are sent this way, so the
 * response time is the same whether or not a message was sent (no account enumeration by
 * timing). Failures are logged, never thrown into the request. In-process for now; a durable
 * queue can replace this function without touching its callers.
 */
export function runInBackground(logger: { error(object: object, message: string): void }, label: string, task: () => Promise<void>): void {
  setImmediate(() => {
    task().catch((error: unknown) => logger.error({ err: error, job: label }, 'background job failed'));
  });
}
