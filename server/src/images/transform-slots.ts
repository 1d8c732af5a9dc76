import { AppError } from '../errors.ts';

/**
 * Bounded transform concurrency: at most `concurrency` transforms run, at most `queue` wait,
 * and any further request is answered 503 with Retry-After at once — never an unbounded pile
 * of decoded images in memory.
 */

export interface TransformSlots {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function transformsBusy(): AppError {
  return new AppError('transforms_busy', 'The image service is busy. Try again shortly.', 503, { headers: { 'retry-after': '2' } });
}

export function createTransformSlots(concurrency: number, queue: number): TransformSlots {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    running -= 1;
    const next = waiting.shift();
    if (next) {
      running += 1;
      next();
    }
  };
  return {
    async run(work) {
      if (running >= concurrency) {
        if (waiting.length >= queue) throw transformsBusy();
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running += 1;
      }
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
