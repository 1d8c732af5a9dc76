import { useEffect, useRef, useState, type DragEvent } from 'react';
import { carriesFiles, droppedFiles } from '../../lib/droppedFiles';

/**
 * Makes an element a drop zone for files and folders from the computer: spread `handlers`
 * on it, and show that it takes the drop while `dragging`. Dropping just beside it does
 * nothing, rather than the browser opening the file in place of the library.
 */
export function useFileDrop({ enabled, onFiles, onUnreadable }: { enabled: boolean; onFiles: (files: File[]) => void; onUnreadable: () => void }) {
  const [dragging, setDragging] = useState(false);
  // dragenter and dragleave fire for every child the pointer crosses: count the depth.
  const depth = useRef(0);

  useEffect(() => {
    const refuse = (event: globalThis.DragEvent) => {
      if (event.defaultPrevented || event.dataTransfer === null || !carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  function stop() {
    depth.current = 0;
    setDragging(false);
  }

  const handlers = {
    onDragEnter(event: DragEvent<HTMLElement>) {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth.current += 1;
      setDragging(true);
    },
    onDragOver(event: DragEvent<HTMLElement>) {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(event: DragEvent<HTMLElement>) {
      if (!carriesFiles(event.dataTransfer)) return;
      depth.current -= 1;
      if (depth.current <= 0) stop();
    },
    onDrop(event: DragEvent<HTMLElement>) {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      stop();
      droppedFiles(event.dataTransfer).then(onFiles, onUnreadable);
    },
  };

  return { dragging: enabled && dragging, handlers: enabled ? handlers : {} };
}
