import { useEffect, useRef, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import type { ClientFile } from '../../api/deliveries';
import { useModalDialog } from '../../app/useModalDialog';
import { FormError } from '../../components/form';
import { HeartButton } from './HeartButton';
import { setCustomProperties } from './placeholder';
import type { Hearts } from './useProofing';

const MAX_ZOOM = 4;
/** How far a finger travels across the photo before it counts as a swipe. */
const SWIPE_PX = 50;

interface Gesture {
  pointers: Map<number, { x: number; y: number }>;
  startX: number;
  startY: number;
  pinchFrom: { distance: number; zoom: number } | null;
  zoom: number;
  panX: number;
  panY: number;
  moved: boolean;
}

function freshGesture(): Gesture {
  return { pointers: new Map(), startX: 0, startY: 0, pinchFrom: null, zoom: 1, panX: 0, panY: 0, moved: false };
}

function distance(points: Array<{ x: number; y: number }>): number {
  const [a, b] = points;
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
}

/**
 * One photo large, over the gallery: a modal <dialog>, so focus stays inside it and Escape
 * closes it. Previous and Next (also ← and →, and a swipe on a touch screen) go round the
 * photos; a pinch, a double click, Ctrl + wheel or + and − zoom, and a zoomed photo pans with
 * one finger or the mouse. The neighbours' previews are fetched ahead, so the next photo is there.
 */
export function Lightbox({
  files,
  index,
  canDownload,
  downloadLabel,
  busy,
  error,
  hearts,
  onIndexChange,
  onDownload,
  onClose,
}: {
  files: readonly ClientFile[];
  index: number;
  canDownload: boolean;
  downloadLabel: string;
  busy: boolean;
  error: string | null;
  hearts: Hearts | null;
  onIndexChange: (index: number) => void;
  onDownload: (file: ClientFile) => void;
  onClose: () => void;
}) {
  const dialogRef = useModalDialog();
  const imageRef = useRef<HTMLImageElement>(null);
  const gesture = useRef<Gesture>(freshGesture());
  const file = files[index];
  const count = files.length;
  const previous = files[(index - 1 + count) % count];
  const next = files[(index + 1) % count];

  function apply() {
    const { zoom, panX, panY } = gesture.current;
    setCustomProperties(imageRef.current, { '--zoom': String(zoom), '--pan-x': `${panX}px`, '--pan-y': `${panY}px` });
    imageRef.current?.toggleAttribute('data-zoomed', zoom > 1);
  }

  function zoomTo(zoom: number) {
    const current = gesture.current;
    current.zoom = Math.min(MAX_ZOOM, Math.max(1, zoom));
    if (current.zoom === 1) {
      current.panX = 0;
      current.panY = 0;
    }
    apply();
  }

  // A new photo starts unzoomed; its neighbours' previews load ahead.
  useEffect(() => {
    gesture.current = freshGesture();
    apply();
    for (const neighbour of [previous, next]) {
      if (neighbour?.previewUrl) {
        const image = new Image();
        image.decoding = 'async';
        image.src = neighbour.previewUrl;
      }
    }
  }, [index, file?.id]); // only when the photo changes

  function step(by: number) {
    if (count < 2) return;
    onIndexChange((index + by + count) % count);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof HTMLInputElement) return;
    if (event.key === 'ArrowLeft' && !event.shiftKey) step(-1);
    else if (event.key === 'ArrowRight' && !event.shiftKey) step(1);
    else if (event.key === '+' || event.key === '=') zoomTo(gesture.current.zoom * 1.5);
    else if (event.key === '-') zoomTo(gesture.current.zoom / 1.5);
    else if (event.key === '0') zoomTo(1);
    else return;
    event.preventDefault();
  }

  function handlePointerDown(event: PointerEvent<HTMLDivElement>) {
    const current = gesture.current;
    try {
      event.currentTarget.setPointerCapture(event.pointerId);
    } catch {
      // A pointer the browser no longer tracks: the gesture still works without capture.
    }
    current.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (current.pointers.size === 1) {
      current.startX = event.clientX;
      current.startY = event.clientY;
      current.moved = false;
    }
    if (current.pointers.size === 2) current.pinchFrom = { distance: distance([...current.pointers.values()]), zoom: current.zoom };
  }

  function handlePointerMove(event: PointerEvent<HTMLDivElement>) {
    const current = gesture.current;
    const last = current.pointers.get(event.pointerId);
    if (!last) return;
    const point = { x: event.clientX, y: event.clientY };
    current.pointers.set(event.pointerId, point);
    if (current.pointers.size === 2 && current.pinchFrom && current.pinchFrom.distance > 0) {
      current.moved = true;
      zoomTo((current.pinchFrom.zoom * distance([...current.pointers.values()])) / current.pinchFrom.distance);
    } else if (current.pointers.size === 1 && current.zoom > 1) {
      current.moved = true;
      current.panX += point.x - last.x;
      current.panY += point.y - last.y;
      apply();
    }
  }

  function handlePointerUp(event: PointerEvent<HTMLDivElement>) {
    const current = gesture.current;
    const wasPinch = current.pointers.size > 1 || current.pinchFrom !== null;
    current.pointers.delete(event.pointerId);
    if (current.pointers.size < 2) current.pinchFrom = null;
    if (current.pointers.size > 0 || wasPinch || current.zoom > 1) return;
    const dx = event.clientX - current.startX;
    const dy = event.clientY - current.startY;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy) * 1.5) step(dx < 0 ? 1 : -1);
  }

  function handleWheel(event: WheelEvent<HTMLDivElement>) {
    // A trackpad's pinch arrives as a wheel with Ctrl.
    if (!event.ctrlKey) return;
    zoomTo(gesture.current.zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
  }

  if (file === undefined) return null;
  return (
    <dialog
      ref={dialogRef}
      className="lightbox"
      aria-labelledby="lightbox-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={handleKeyDown}
      data-testid="lightbox"
      data-index={index}
    >
      <div className="lightbox-bar">
        <div className="lightbox-heading">
          <h2 id="lightbox-title" className="lightbox-title">
            {file.name}
          </h2>
          <p className="lightbox-count">
            {index + 1} of {count}
          </p>
        </div>
        <div className="lightbox-actions">
          {count > 1 && previous !== undefined && next !== undefined && (
            <>
              <button type="button" className="button button-secondary button-small" onClick={() => step(-1)} aria-keyshortcuts="ArrowLeft">
                Previous<span className="visually-hidden"> photo: {previous.name}</span>
              </button>
              <button type="button" className="button button-secondary button-small" onClick={() => step(1)} aria-keyshortcuts="ArrowRight">
                Next<span className="visually-hidden"> photo: {next.name}</span>
              </button>
            </>
          )}
          {hearts !== null && <HeartButton file={file} hearts={hearts} className="lightbox-heart" />}
          {canDownload && (
            <button type="button" className="button button-primary button-small button-auto" aria-disabled={busy} onClick={() => onDownload(file)} data-testid="lightbox-download">
              <span>
                {downloadLabel}
                <span className="visually-hidden"> {file.name}</span>
              </span>
            </button>
          )}
          <button type="button" className="button button-secondary button-small" onClick={onClose} aria-keyshortcuts="Escape">
            Close
          </button>
        </div>
      </div>
      {error !== null && <FormError id="lightbox-error" message={error} testId="lightbox-error" />}
      <div
        className="lightbox-stage"
        onPointerDown={handlePointerDown}
        onPointerMove={handlePointerMove}
        onPointerUp={handlePointerUp}
        onPointerCancel={handlePointerUp}
        onWheel={handleWheel}
        onDoubleClick={() => zoomTo(gesture.current.zoom > 1 ? 1 : 2)}
        data-testid="lightbox-stage"
      >
        {file.previewUrl === null ? (
          <p className="viewer-placeholder">There is no preview of this file yet.</p>
        ) : (
          <img
            ref={imageRef}
            key={file.id}
            className="lightbox-image"
            src={file.previewUrl}
            alt={file.name}
            width={file.width ?? undefined}
            height={file.height ?? undefined}
            draggable={false}
            data-testid="lightbox-image"
          />
        )}
      </div>
      <p className="lightbox-hint visually-hidden">Use the arrow keys for the previous and next photo, plus and minus to zoom.</p>
    </dialog>
  );
}
