import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import { unfinishedResumableUploads } from '../../api/vault';
import { useFocusAfterRender } from '../../app/useFocusAfterRender';
import { formatBytes, pluralize } from '../../lib/format';
import { isFinished, type UploadItem, type UploadSnapshot } from '../../lib/uploadQueue';
import type { VaultUploadQueue } from './useUploads';

/**
 * The upload queue: a row per file with its progress, speed and time left or why it was
 * refused, the whole batch's progress, and ways to pause, resume and cancel. A photo the
 * library already holds is not stored again: its row says so and asks "Keep both" (it is sent
 * again and stored beside the other) or "Skip". Only this panel follows the queue's progress, so the photo
 * grid does not re-render with every chunk sent.
 */
export function UploadPanel({ queue, focusWhenEmpty }: { queue: VaultUploadQueue; focusWhenEmpty: RefObject<HTMLElement | null> }) {
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const { items, counts, totalBytes, sentBytes } = snapshot;
  const active = counts.queued + counts.uploading;
  useWarnBeforeLeaving(active > 0);
  const unfinished = useUnfinishedUploads(items.length === 0);
  const rowsRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  // Every button here takes itself away: focus goes to the list of rows, or past the panel once it is gone.
  const keepFocusNear = useCallback(() => focusAfterRender(() => rowsRef.current ?? focusWhenEmpty.current), [focusAfterRender, focusWhenEmpty]);
  const cancel = useCallback(
    (id: number) => {
      queue.cancel(id);
      keepFocusNear();
    },
    [queue, keepFocusNear],
  );
  const pause = useCallback((id: number) => queue.pause(id), [queue]);
  const resume = useCallback((id: number) => queue.resume(id), [queue]);
  const keepDuplicate = useCallback(
    (id: number) => {
      queue.keepDuplicate(id);
      keepFocusNear();
    },
    [queue, keepFocusNear],
  );
  const skipDuplicate = useCallback(
    (id: number) => {
      queue.skipDuplicate(id);
      keepFocusNear();
    },
    [queue, keepFocusNear],
  );
  const refused = items.filter((item) => item.status === 'failed');
  // Questions and failures first: they are what needs reading, and a long queue scrolls.
  const rows = useMemo(
    () => [
      ...items.filter((item) => item.status === 'duplicate'),
      ...items.filter((item) => item.status === 'failed'),
      ...items.filter((item) => item.status !== 'duplicate' && item.status !== 'failed'),
    ],
    [items],
  );

  return (
    <>
      {/* Always in the page, so screen readers announce what it says as it changes. */}
      <p className="visually-hidden" role="status">
        {announcement(snapshot)}
      </p>
      {items.length === 0 && unfinished > 0 && (
        <p className="upload-hint" data-testid="upload-unfinished">
          {pluralize(unfinished, 'upload', 'uploads')} from earlier did not finish. Add the same files again to carry on where they stopped.
        </p>
      )}
      {items.length > 0 && (
        <section className="upload-panel" aria-labelledby="upload-heading" data-testid="upload-queue">
          <div className="upload-panel-header">
            <h2 id="upload-heading">Uploads</h2>
            <p className="upload-summary">{summary(snapshot)}</p>
            {active > 0 && (
              <button type="button" className="button button-secondary button-small" onClick={() => queue.pauseAll()}>
                Pause all
              </button>
            )}
            {counts.paused > 0 && (
              <button type="button" className="button button-secondary button-small" onClick={() => queue.resumeAll()}>
                Resume all
              </button>
            )}
            {active + counts.paused > 0 ? (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => {
                  queue.cancelAll();
                  keepFocusNear();
                }}
              >
                Cancel all
              </button>
            ) : (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => {
                  queue.clearFinished();
                  keepFocusNear();
                }}
              >
                Clear
              </button>
            )}
          </div>
          <progress
            className="progress upload-total"
            max={Math.max(totalBytes, 1)}
            value={sentBytes}
            aria-label="All uploads"
            data-testid="upload-progress-total"
          />
          {active > 0 && (
            <p className="upload-hint">Uploads pick up where they stopped if the connection drops, or if you add the same files again after closing this page.</p>
          )}
          {counts.duplicate > 0 && (
            <div className="upload-duplicates" role="group" aria-labelledby="upload-duplicates-text" data-testid="upload-duplicates">
              <p id="upload-duplicates-text">
                {counts.duplicate === 1 ? '1 photo is' : `${counts.duplicate} photos are`} already in your library, so {counts.duplicate === 1 ? 'it was' : 'they were'} not stored again.
                Keep both sends {counts.duplicate === 1 ? 'it' : 'them'} again and stores a second copy.
              </p>
              {counts.duplicate > 1 && (
                <span className="upload-duplicates-actions">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => {
                      queue.keepAllDuplicates();
                      keepFocusNear();
                    }}
                  >
                    Keep both for all
                  </button>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => {
                      queue.skipAllDuplicates();
                      keepFocusNear();
                    }}
                  >
                    Skip all
                  </button>
                </span>
              )}
            </div>
          )}
          {refused.length > 0 && (
            <details className="upload-refused" data-testid="upload-refused">
              <summary>{pluralize(refused.length, 'file was', 'files were')} refused</summary>
              <ul>
                {refused.map((item) => (
                  <li key={item.id}>
                    <span className="upload-row-name">{item.file.name}</span>: {item.error}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <div className="upload-rows" role="region" aria-labelledby="upload-heading" tabIndex={0} ref={rowsRef}>
            <ul>
              {rows.map((item) => (
                <UploadRow key={item.id} item={item} onCancel={cancel} onPause={pause} onResume={resume} onKeep={keepDuplicate} onSkip={skipDuplicate} />
              ))}
            </ul>
          </div>
        </section>
      )}
    </>
  );
}

/** Light on purpose: a batch can have hundreds, and a row re-renders only when its item changes. */
const UploadRow = memo(function UploadRow({
  item,
  onCancel,
  onPause,
  onResume,
  onKeep,
  onSkip,
}: {
  item: UploadItem;
  onCancel: (id: number) => void;
  onPause: (id: number) => void;
  onResume: (id: number) => void;
  onKeep: (id: number) => void;
  onSkip: (id: number) => void;
}) {
  const { file, status } = item;
  const waiting = !isFinished(status);
  return (
    <li className="upload-row" data-status={status} data-testid={`upload-row-${file.name}`}>
      <span className="upload-row-name">{file.name}</span>
      <span className="upload-row-size">{formatBytes(file.size)}</span>
      {status === 'failed' ? (
        <span className="upload-row-error" data-testid={`upload-error-${file.name}`}>
          {item.error}
        </span>
      ) : status === 'duplicate' || status === 'skipped' ? (
        <span className="upload-row-duplicate" data-testid={`upload-duplicate-${file.name}`}>
          {status === 'skipped' ? 'Skipped: ' : ''}
          {item.duplicateOf ? `already in your library as ${item.duplicateOf}` : 'already in your library'}
        </span>
      ) : (
        <>
          <progress
            className="progress upload-row-progress"
            max={Math.max(file.size, 1)}
            value={status === 'done' ? Math.max(file.size, 1) : item.sentBytes}
            aria-label={`${file.name} upload`}
          />
          <span className="upload-row-state">{rowState(item)}</span>
        </>
      )}
      {status === 'duplicate' && (
        <span className="upload-row-actions">
          <button type="button" className="button button-secondary button-small" onClick={() => onKeep(item.id)}>
            Keep both<span className="visually-hidden"> {file.name}</span>
          </button>
          <button type="button" className="button button-secondary button-small" onClick={() => onSkip(item.id)}>
            Skip<span className="visually-hidden"> {file.name}</span>
          </button>
        </span>
      )}
      {waiting && (
        <span className="upload-row-actions">
          {status === 'paused' ? (
            <button type="button" className="button button-secondary button-small" onClick={() => onResume(item.id)}>
              Resume<span className="visually-hidden"> {file.name}</span>
            </button>
          ) : (
            <button type="button" className="button button-secondary button-small" onClick={() => onPause(item.id)}>
              Pause<span className="visually-hidden"> {file.name}</span>
            </button>
          )}
          <button type="button" className="button button-secondary button-small upload-row-cancel" onClick={() => onCancel(item.id)}>
            Cancel<span className="visually-hidden"> {file.name}</span>
          </button>
        </span>
      )}
    </li>
  );
});

function rowState({ file, status, sentBytes, bytesPerSecond }: UploadItem): string {
  if (status === 'queued') return 'Waiting';
  if (status === 'paused') return `Paused at ${Math.floor((sentBytes / Math.max(file.size, 1)) * 100)}%`;
  if (status === 'done') return 'Uploaded';
  // Every byte is sent: the server is checking and encrypting the file.
  if (sentBytes >= file.size) return 'Checking…';
  const percent = `${Math.floor((sentBytes / file.size) * 100)}%`;
  return bytesPerSecond > 0 ? `${percent} · ${formatBytes(bytesPerSecond)}/s · ${formatDuration((file.size - sentBytes) / bytesPerSecond)}` : percent;
}

/** "2 h 5 min", "4 min", "12 s" left. */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s left`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

function summary({ items, counts, totalBytes, sentBytes, bytesPerSecond, secondsLeft }: UploadSnapshot): string {
  if (counts.queued + counts.uploading > 0) {
    const pace = bytesPerSecond > 0 && secondsLeft !== null ? ` · ${formatBytes(bytesPerSecond)}/s · ${formatDuration(secondsLeft)}` : '';
    return `${finishedCount(counts)} of ${items.length} done · ${formatBytes(sentBytes)} of ${formatBytes(totalBytes)}${pace}`;
  }
  if (counts.paused > 0) return `${counts.paused} paused · ${formatBytes(sentBytes)} of ${formatBytes(totalBytes)} sent`;
  if (counts.done === items.length) return `${pluralize(counts.done, 'photo', 'photos')} uploaded.`;
  return `${counts.done} of ${pluralize(items.length, 'file', 'files')} uploaded${notUploaded(counts)}.`;
}

/** What the live region says: news when a file finishes, not every percent. */
function announcement({ items, counts }: UploadSnapshot): string {
  if (items.length === 0) return '';
  if (counts.queued + counts.uploading > 0) return `Uploading: ${finishedCount(counts)} of ${items.length} done.`;
  if (counts.done === items.length) return `All ${items.length} uploaded.`;
  const question = counts.duplicate > 0 ? ' Choose Keep both or Skip for each.' : '';
  return `${counts.done} uploaded${notUploaded(counts)}.${question}`;
}

function finishedCount(counts: UploadSnapshot['counts']): number {
  return counts.done + counts.failed + counts.duplicate + counts.skipped;
}

/** ", 1 failed, 2 already in your library, 1 skipped": what became of the files that were not stored. */
function notUploaded(counts: UploadSnapshot['counts']): string {
  const parts = [
    counts.failed > 0 ? `${counts.failed} failed` : '',
    counts.duplicate > 0 ? `${counts.duplicate} already in your library` : '',
    counts.skipped > 0 ? `${counts.skipped} skipped` : '',
  ];
  return parts
    .filter(Boolean)
    .map((part) => `, ${part}`)
    .join('');
}

/** How many uploads this browser left unfinished earlier, looked up once while the queue is empty. */
function useUnfinishedUploads(look: boolean): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!look) return;
    let live = true;
    unfinishedResumableUploads().then(
      (found) => live && setCount(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [look]);
  return count;
}

/** Asks before the tab is closed or reloaded while uploads are still going. */
function useWarnBeforeLeaving(warn: boolean): void {
  useEffect(() => {
    if (!warn) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [warn]);
}
