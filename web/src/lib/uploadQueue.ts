/**
 * A queue of file uploads, run a few at a time, that the UI reads with
 * `useSyncExternalStore(queue.subscribe, queue.getSnapshot)`. A change makes a new snapshot in
 * which only the item that changed is a new object, so a list of hundreds of rows can
 * re-render just the row that moved. It knows nothing of HTTP: `upload` does the sending.
 */

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'failed';

export interface UploadItem {
  readonly id: number;
  readonly file: File;
  readonly status: UploadStatus;
  /** Bytes sent so far. */
  readonly sentBytes: number;
  /** Why it failed, for people; `null` unless `status` is `failed`. */
  readonly error: string | null;
}

export interface UploadSnapshot {
  readonly items: readonly UploadItem[];
  readonly counts: Readonly<Record<UploadStatus, number>>;
  readonly totalBytes: number;
  /** Bytes sent, counting a finished upload (done or failed) as wholly sent. */
  readonly sentBytes: number;
}

export interface UploadQueueOptions<Target, Result> {
  /** How many uploads run at once. */
  concurrency: number;
  upload: (file: File, target: Target, options: { onProgress: (sentBytes: number) => void; signal: AbortSignal }) => Promise<Result>;
  /** A sentence for people about why an upload failed. */
  describeFailure: (error: unknown) => string;
}

export interface UploadEvents<Result> {
  /** One file is stored. */
  onUploaded: (result: Result) => void;
  /** Nothing is queued or uploading any more. */
  onIdle: () => void;
}

interface Job<Target> {
  readonly target: Target;
  readonly controller: AbortController;
}

export class UploadQueue<Target, Result> {
  readonly #options: UploadQueueOptions<Target, Result>;
  readonly #jobs = new Map<number, Job<Target>>();
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners = new Set<UploadEvents<Result>>();
  #snapshot: UploadSnapshot = summarise([]);
  #nextId = 1;
  #running = 0;

  constructor(options: UploadQueueOptions<Target, Result>) {
    this.#options = options;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): UploadSnapshot => this.#snapshot;

  /** Listens for finished uploads; returns how to stop. */
  listen(events: UploadEvents<Result>): () => void {
    this.#eventListeners.add(events);
    return () => {
      this.#eventListeners.delete(events);
    };
  }

  /** Queues `files` for `target` (e.g. the album they go to). */
  add(files: readonly File[], target: Target): void {
    if (files.length === 0) return;
    const added = files.map((file): UploadItem => {
      const id = this.#nextId++;
      this.#jobs.set(id, { target, controller: new AbortController() });
      return { id, file, status: 'queued', sentBytes: 0, error: null };
    });
    this.#setItems([...this.#snapshot.items, ...added]);
    this.#startWaiting();
  }

  /** Stops an upload that is waiting or under way, and takes it off the list. */
  cancel(id: number): void {
    this.#jobs.get(id)?.controller.abort();
    this.#jobs.delete(id);
    this.#setItems(this.#snapshot.items.filter((item) => item.id !== id));
  }

  cancelAll(): void {
    for (const job of this.#jobs.values()) job.controller.abort();
    this.#jobs.clear();
    this.#setItems(this.#snapshot.items.filter((item) => item.status === 'done' || item.status === 'failed'));
  }

  /** Takes the finished uploads, done or failed, off the list. */
  clearFinished(): void {
    this.#setItems(this.#snapshot.items.filter((item) => item.status === 'queued' || item.status === 'uploading'));
  }

  #startWaiting(): void {
    while (this.#running < this.#options.concurrency) {
      const next = this.#snapshot.items.find((item) => item.status === 'queued');
      const job = next && this.#jobs.get(next.id);
      if (!next || !job) return;
      this.#run(next, job);
    }
  }

  #run({ id, file }: UploadItem, { target, controller }: Job<Target>): void {
    this.#running += 1;
    this.#update(id, { status: 'uploading' });
    const onProgress = (sentBytes: number) => {
      if (!controller.signal.aborted) this.#update(id, { sentBytes });
    };
    this.#options
      .upload(file, target, { onProgress, signal: controller.signal })
      .then(
        (result) => {
          if (controller.signal.aborted) return;
          this.#update(id, { status: 'done', sentBytes: file.size });
          for (const events of this.#eventListeners) events.onUploaded(result);
        },
        (error: unknown) => {
          if (!controller.signal.aborted) this.#update(id, { status: 'failed', error: this.#options.describeFailure(error) });
        },
      )
      .finally(() => {
        this.#running -= 1;
        this.#jobs.delete(id);
        this.#startWaiting();
        if (this.#running === 0) for (const events of this.#eventListeners) events.onIdle();
      });
  }

  #update(id: number, changes: Partial<Pick<UploadItem, 'status' | 'sentBytes' | 'error'>>): void {
    const { items } = this.#snapshot;
    const index = items.findIndex((item) => item.id === id);
    const item = items[index];
    if (item === undefined) return;
    this.#setItems(items.with(index, { ...item, ...changes }));
  }

  #setItems(items: readonly UploadItem[]): void {
    this.#snapshot = summarise(items);
    for (const listener of this.#listeners) listener();
  }
}

function summarise(items: readonly UploadItem[]): UploadSnapshot {
  const counts: Record<UploadStatus, number> = { queued: 0, uploading: 0, done: 0, failed: 0 };
  let totalBytes = 0;
  let sentBytes = 0;
  for (const item of items) {
    counts[item.status] += 1;
    totalBytes += item.file.size;
    sentBytes += item.status === 'done' || item.status === 'failed' ? item.file.size : item.sentBytes;
  }
  return { items, counts, totalBytes, sentBytes };
}
