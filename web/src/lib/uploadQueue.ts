/**
 * A queue of file uploads, run a few at a time, that the UI reads with
 * `useSyncExternalStore(queue.subscribe, queue.getSnapshot)`. A change makes a new snapshot in
 * which only the item that changed is a new object, so a list of hundreds of rows can
 * re-render just the row that moved. It knows nothing of HTTP: `upload` does the sending.
 */

/**
 * `duplicate`: refused because the library already holds the same photo, waiting for the
 * person to keep both (the file is sent again, to be stored beside it) or skip it; `skipped`:
 * they chose to skip it, so nothing was stored.
 */
export type UploadStatus = 'queued' | 'uploading' | 'paused' | 'done' | 'failed' | 'duplicate' | 'skipped';

/** The statuses an upload ends in: nothing more happens to it unless someone asks. */
const FINISHED: ReadonlySet<UploadStatus> = new Set(['done', 'failed', 'duplicate', 'skipped']);

export function isFinished(status: UploadStatus): boolean {
  return FINISHED.has(status);
}

export interface UploadItem {
  readonly id: number;
  readonly file: File;
  readonly status: UploadStatus;
  /** Bytes sent so far. */
  readonly sentBytes: number;
  /** Why it failed, for people; `null` unless `status` is `failed`. */
  readonly error: string | null;
  /** The name of the photo already in the library that this one duplicates; `null` unless `status` is `duplicate` or `skipped`. */
  readonly duplicateOf: string | null;
  /** Bytes per second lately (smoothed), while uploading; 0 otherwise. */
  readonly bytesPerSecond: number;
}

export interface UploadSnapshot {
  readonly items: readonly UploadItem[];
  readonly counts: Readonly<Record<UploadStatus, number>>;
  readonly totalBytes: number;
  /** Bytes sent, counting a finished upload (done, failed, duplicate or skipped) as wholly sent. */
  readonly sentBytes: number;
  /** The uploads under way together, bytes per second. */
  readonly bytesPerSecond: number;
  /** Seconds until everything is sent at that speed; `null` when nothing moves. */
  readonly secondsLeft: number | null;
}

export interface UploadQueueOptions<Target, Result> {
  /** How many uploads run at once. */
  concurrency: number;
  /** With `keepDuplicate` false, `upload` refuses a photo the library already holds (and `duplicateOf` names it). */
  upload: (file: File, target: Target, options: { onProgress: (sentBytes: number) => void; signal: AbortSignal; keepDuplicate: boolean }) => Promise<Result>;
  /** A sentence for people about why an upload failed. */
  describeFailure: (error: unknown) => string;
  /** For a failure that says the library already holds the photo: the name of the one there; `null` for any other failure. */
  duplicateOf: (error: unknown) => string | null;
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
  /** The person chose to keep this photo beside the copy already in the library. */
  keepDuplicate: boolean;
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
      this.#jobs.set(id, { target, controller: new AbortController(), keepDuplicate: false, lastAt: 0, lastBytes: 0 });
      return { id, file, status: 'queued', sentBytes: 0, error: null, duplicateOf: null, bytesPerSecond: 0 };
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

  /** Stops every upload waiting or under way; the finished ones stay listed (a duplicate still waits for its answer). */
  cancelAll(): void {
    const finished = this.#snapshot.items.filter((item) => isFinished(item.status));
    for (const [id, job] of this.#jobs) {
      if (finished.some((item) => item.id === id)) continue;
      job.controller.abort();
      this.#jobs.delete(id);
    }
    this.#setItems(finished);
  }

  /** Takes the finished uploads off the list; a duplicate not answered yet counts as skipped (nothing of it was stored). */
  clearFinished(): void {
    for (const item of this.#snapshot.items) if (isFinished(item.status)) this.#jobs.delete(item.id);
    this.#setItems(this.#snapshot.items.filter((item) => !isFinished(item.status)));
  }

  /** Sends a duplicate again, to be stored beside the photo already in the library. */
  keepDuplicate(id: number): void {
    const job = this.#jobs.get(id);
    if (!job || this.#snapshot.items.find((item) => item.id === id)?.status !== 'duplicate') return;
    job.keepDuplicate = true;
    this.#update(id, { status: 'queued', sentBytes: 0 });
    this.#startWaiting();
  }

  /** Leaves a duplicate out: the library keeps only the photo it had. */
  skipDuplicate(id: number): void {
    if (this.#snapshot.items.find((item) => item.id === id)?.status !== 'duplicate') return;
    this.#jobs.delete(id);
    this.#update(id, { status: 'skipped' });
  }

  keepAllDuplicates(): void {
    for (const item of this.#snapshot.items) if (item.status === 'duplicate') this.keepDuplicate(item.id);
  }

  skipAllDuplicates(): void {
    for (const item of this.#snapshot.items) if (item.status === 'duplicate') this.skipDuplicate(item.id);
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
    const { target, controller, keepDuplicate } = job;
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
      .upload(file, target, { onProgress, signal: controller.signal, keepDuplicate })
      .then(
        (result) => {
          if (controller.signal.aborted) return;
          this.#update(id, { status: 'done', sentBytes: file.size, bytesPerSecond: 0 });
          for (const events of this.#eventListeners) events.onUploaded(result);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const duplicateOf = this.#options.duplicateOf(error);
          if (duplicateOf === null) {
            this.#update(id, { status: 'failed', error: this.#options.describeFailure(error), bytesPerSecond: 0 });
            return;
          }
          // Kept, with a fresh controller, for when the person chooses to keep both.
          job.controller = new AbortController();
          this.#update(id, { status: 'duplicate', duplicateOf, bytesPerSecond: 0 });
        },
      )
      .finally(() => {
        this.#running -= 1;
        // A paused upload, or a duplicate, keeps its job (with a fresh controller) for when it is resumed or kept.
        if (this.#jobs.get(id)?.controller === controller) this.#jobs.delete(id);
        this.#startWaiting();
        if (this.#running === 0) for (const events of this.#eventListeners) events.onIdle();
      });
  }

  #update(id: number, changes: Partial<Pick<UploadItem, 'status' | 'sentBytes' | 'error' | 'duplicateOf' | 'bytesPerSecond'>>): void {
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
  const counts: Record<UploadStatus, number> = { queued: 0, uploading: 0, paused: 0, done: 0, failed: 0, duplicate: 0, skipped: 0 };
  let totalBytes = 0;
  let sentBytes = 0;
  let bytesPerSecond = 0;
  for (const item of items) {
    counts[item.status] += 1;
    totalBytes += item.file.size;
    sentBytes += isFinished(item.status) ? item.file.size : item.sentBytes;
    if (item.status === 'uploading') bytesPerSecond += item.bytesPerSecond;
  }
  const secondsLeft = bytesPerSecond > 0 ? Math.ceil((totalBytes - sentBytes) / bytesPerSecond) : null;
  return { items, counts, totalBytes, sentBytes, bytesPerSecond, secondsLeft };
}
