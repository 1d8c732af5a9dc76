/**
 * A queue of file uploads, run a few at a time, that the UI reads with
 * `useSyncExternalStore(queue.subscribe, queue.getSnapshot)`. A change makes a new snapshot in
 * which only the item that changed is a new object, so a list of hundreds of rows can
 * re-render just the row that moved. It knows nothing of HTTP: `upload` does the sending.
 */

export type UploadStatus = 'queued' | 'uploading' | 'paused' | 'done' | 'failed';

export interface UploadItem {
  readonly id: number;
  readonly file: File;
  readonly status: UploadStatus;
  /** Bytes sent so far. */
  readonly sentBytes: number;
  /** Why it failed, for people; `null` unless `status` is `failed`. */
  readonly error: string | null;
  /** Bytes per second lately (smoothed), while uploading; 0 otherwise. */
  readonly bytesPerSecond: number;
}

export interface UploadSnapshot {
  readonly items: readonly UploadItem[];
  readonly counts: Readonly<Record<UploadStatus, number>>;
  readonly totalBytes: number;
  /** Bytes sent, counting a finished upload (done or failed) as wholly sent. */
  readonly sentBytes: number;
  /** The uploads under way together, bytes per second. */
  readonly bytesPerSecond: number;
  /** Seconds until everything is sent at that speed; `null` when nothing moves. */
  readonly secondsLeft: number | null;
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
  controller: AbortController;
  /** For the speed: when and at how many bytes the last progress came. */
  lastAt: number;
  lastBytes: number;
}

/** The abort reason `upload` sees when the upload is paused rather than cancelled: keep what was sent. */
export const PAUSED = 'paused';

/** How much a new speed sample weighs against the smoothed one. */
const SPEED_SMOOTHING = 0.3;

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
      this.#jobs.set(id, { target, controller: new AbortController(), lastAt: 0, lastBytes: 0 });
      return { id, file, status: 'queued', sentBytes: 0, error: null, bytesPerSecond: 0 };
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
    this.#setItems(this.#snapshot.items.filter((item) => item.status !== 'done' && item.status !== 'failed'));
  }

  /**
   * Stops an upload without forgetting it: `upload` sees its signal aborted and keeps what
   * was sent (a resumable upload carries on from there when resumed).
   */
  pause(id: number): void {
    const item = this.#snapshot.items.find((candidate) => candidate.id === id);
    const job = this.#jobs.get(id);
    if (!item || !job || (item.status !== 'queued' && item.status !== 'uploading')) return;
    job.controller.abort(PAUSED);
    job.controller = new AbortController();
    this.#update(id, { status: 'paused', bytesPerSecond: 0 });
  }

  resume(id: number): void {
    const item = this.#snapshot.items.find((candidate) => candidate.id === id);
    if (item?.status !== 'paused') return;
    this.#update(id, { status: 'queued' });
    this.#startWaiting();
  }

  pauseAll(): void {
    for (const item of this.#snapshot.items) this.pause(item.id);
  }

  resumeAll(): void {
    for (const item of this.#snapshot.items) if (item.status === 'paused') this.#update(item.id, { status: 'queued' });
    this.#startWaiting();
  }

  #startWaiting(): void {
    while (this.#running < this.#options.concurrency) {
      const next = this.#snapshot.items.find((item) => item.status === 'queued');
      const job = next && this.#jobs.get(next.id);
      if (!next || !job) return;
      this.#run(next, job);
    }
  }

  #run({ id, file }: UploadItem, job: Job<Target>): void {
    const { target, controller } = job;
    this.#running += 1;
    this.#update(id, { status: 'uploading' });
    job.lastAt = Date.now();
    job.lastBytes = -1;
    const onProgress = (sentBytes: number) => {
      if (controller.signal.aborted) return;
      const now = Date.now();
      const item = this.#snapshot.items.find((candidate) => candidate.id === id);
      let bytesPerSecond = item?.bytesPerSecond ?? 0;
      // The first report after a (re)start says where the upload resumed from, not how fast it goes.
      if (job.lastBytes >= 0 && now > job.lastAt) {
        const sample = ((sentBytes - job.lastBytes) * 1000) / (now - job.lastAt);
        bytesPerSecond = bytesPerSecond === 0 ? sample : bytesPerSecond + SPEED_SMOOTHING * (sample - bytesPerSecond);
      }
      job.lastAt = now;
      job.lastBytes = sentBytes;
      this.#update(id, { sentBytes, bytesPerSecond: Math.max(0, bytesPerSecond) });
    };
    this.#options
      .upload(file, target, { onProgress, signal: controller.signal })
      .then(
        (result) => {
          if (controller.signal.aborted) return;
          this.#update(id, { status: 'done', sentBytes: file.size, bytesPerSecond: 0 });
          for (const events of this.#eventListeners) events.onUploaded(result);
        },
        (error: unknown) => {
          if (!controller.signal.aborted) this.#update(id, { status: 'failed', error: this.#options.describeFailure(error), bytesPerSecond: 0 });
        },
      )
      .finally(() => {
        this.#running -= 1;
        // A paused upload keeps its job (with a fresh controller) for when it is resumed.
        if (this.#jobs.get(id)?.controller === controller) this.#jobs.delete(id);
        this.#startWaiting();
        if (this.#running === 0) for (const events of this.#eventListeners) events.onIdle();
      });
  }

  #update(id: number, changes: Partial<Pick<UploadItem, 'status' | 'sentBytes' | 'error' | 'bytesPerSecond'>>): void {
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
  const counts: Record<UploadStatus, number> = { queued: 0, uploading: 0, paused: 0, done: 0, failed: 0 };
  let totalBytes = 0;
  let sentBytes = 0;
  let bytesPerSecond = 0;
  for (const item of items) {
    counts[item.status] += 1;
    totalBytes += item.file.size;
    sentBytes += item.status === 'done' || item.status === 'failed' ? item.file.size : item.sentBytes;
    if (item.status === 'uploading') bytesPerSecond += item.bytesPerSecond;
  }
  const secondsLeft = bytesPerSecond > 0 ? Math.ceil((totalBytes - sentBytes) / bytesPerSecond) : null;
  return { items, counts, totalBytes, sentBytes, bytesPerSecond, secondsLeft };
}
