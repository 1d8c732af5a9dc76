import { useMemo, useState } from 'react';
import type { FileView } from '../../api/vault';

interface Selected {
  /** The list the selection was made in: another list starts with nothing selected. */
  listKey: string;
  ids: ReadonlySet<string>;
  /** Where a shift-click range starts: the last file toggled. */
  anchor: string | null;
}

/**
 * Which of the shown files are selected. A shift-click selects (or clears) every file from
 * the last one toggled to this one, like a file manager. A file that leaves the list (moved
 * to another album, to the trash) leaves the selection.
 */
export function useSelection(files: readonly FileView[], listKey: string) {
  const [selected, setSelected] = useState<Selected>({ listKey, ids: new Set(), anchor: null });
  const current = selected.listKey === listKey ? selected : { listKey, ids: new Set<string>(), anchor: null };
  const ids = useMemo(() => files.filter((file) => current.ids.has(file.id)).map((file) => file.id), [files, current.ids]);

  function toggle(id: string, extendRange: boolean) {
    const next = new Set(current.ids);
    const select = !next.has(id);
    const from = extendRange && current.anchor !== null ? files.findIndex((file) => file.id === current.anchor) : -1;
    const to = files.findIndex((file) => file.id === id);
    const range = from === -1 || to === -1 ? [id] : files.slice(Math.min(from, to), Math.max(from, to) + 1).map((file) => file.id);
    for (const rangeId of range) {
      if (select) next.add(rangeId);
      else next.delete(rangeId);
    }
    setSelected({ listKey, ids: next, anchor: id });
  }

  return {
    /** The selected files' ids, in list order. */
    ids,
    has: (id: string) => current.ids.has(id),
    toggle,
    selectAll: () => setSelected({ listKey, ids: new Set(files.map((file) => file.id)), anchor: null }),
    clear: () => setSelected({ listKey, ids: new Set(), anchor: null }),
  };
}
