import { useEffect, useRef, useState } from 'react';
import type { ClientFile } from '../../api/deliveries';
import {
  createProofingList,
  getProofing,
  setFavourite,
  storeListToken,
  storedListToken,
  submitProofingSelection,
  type ClientProofingList,
  type ProofingSettings,
} from '../../api/proofing';
import { useSubmission } from '../../app/useSubmission';

/** The id of the name field a heart sends the client to before their list exists. */
export const PROOFING_NAME_ID = 'proofing-name';

/** What the gallery's tiles and lightbox need to show and toggle a heart. */
export interface Hearts {
  isChosen: (fileId: string) => boolean;
  /** Whether the client's list exists: before, a heart asks for their name first. */
  ready: boolean;
  /** A submitted list, or a write under way: the hearts show, but do nothing. */
  locked: boolean;
  toggle: (file: ClientFile) => void;
  /** Why the last heart tapped was refused (the limit reached, say), for a word where it was tapped. */
  refusal: string | null;
}

export interface Proofing {
  settings: ProofingSettings;
  list: ClientProofingList | null;
  hearts: Hearts;
  busy: boolean;
  error: string | null;
  news: string | null;
  start: (name: string) => void;
  saveComment: (fileId: string, comment: string) => void;
  /** Sends the list, saving first the comments typed and not yet saved. */
  send: (unsavedComments: ReadonlyArray<{ fileId: string; comment: string }>) => void;
}

/**
 * The client's named selection on a delivery, shared by the hearts on the photos and the
 * summary panel: `null` until loaded, and while the delivery offers no proofing. The list's
 * token stays in this browser (localStorage), so closing the tab loses nothing; it never goes
 * in an address. A heart tapped before the client said their name sends them to the name
 * field, and that photo is chosen as soon as the list starts.
 */
export function useProofing(token: string): Proofing | null {
  const [settings, setSettings] = useState<ProofingSettings | null>(null);
  const [list, setList] = useState<ClientProofingList | null>(null);
  const [listToken, setListToken] = useState<string | null>(() => storedListToken(token));
  const [news, setNews] = useState<string | null>(null);
  const pending = useRef<string | null>(null);
  // Whether the last write was a heart's, so that only a heart's refusal shows by the photos.
  const [lastWasHeart, setLastWasHeart] = useState(false);
  const { busy, error, submit } = useSubmission();

  useEffect(() => {
    let cancelled = false;
    getProofing(token, listToken).then(
      (answer) => {
        if (cancelled) return;
        setSettings(answer.proofing);
        setList(answer.list);
        if (answer.list === null && listToken !== null) {
          storeListToken(token, null);
          setListToken(null);
        }
      },
      () => {
        if (!cancelled) setSettings({ enabled: false, favouriteLimit: null });
      },
    );
    return () => {
      cancelled = true;
    };
    // Loaded once per delivery; later changes come back from each write.
  }, [token]);

  if (settings === null || !settings.enabled) return null;
  const started = list !== null && listToken !== null ? { list, listToken } : null;
  const chosen = new Set(list?.favourites ?? []);

  function write(fileId: string, favourite: boolean, comment?: string) {
    if (started === null) return;
    setLastWasHeart(comment === undefined);
    void submit(async () => {
      setList((await setFavourite(token, started.listToken, fileId, favourite, comment)).list);
      if (comment !== undefined) setNews('Comment saved.');
    });
  }

  return {
    settings,
    list: started?.list ?? null,
    busy,
    error,
    news,
    hearts: {
      isChosen: (fileId) => chosen.has(fileId),
      ready: started !== null,
      locked: busy || started?.list.status === 'submitted',
      refusal: lastWasHeart ? error : null,
      toggle: (file) => {
        if (busy) return;
        if (started === null) {
          pending.current = file.id;
          const field = document.getElementById(PROOFING_NAME_ID);
          field?.scrollIntoView({ block: 'center' });
          field?.focus();
          return;
        }
        if (started.list.status !== 'submitted') write(file.id, !chosen.has(file.id));
      },
    },
    start: (name) =>
      void submit(async () => {
        setLastWasHeart(false);
        const created = await createProofingList(token, name);
        storeListToken(token, created.listToken);
        setListToken(created.listToken);
        setList(created.list);
        const first = pending.current;
        pending.current = null;
        if (first !== null) setList((await setFavourite(token, created.listToken, first, true)).list);
      }),
    saveComment: (fileId, comment) => write(fileId, chosen.has(fileId), comment),
    send: (unsavedComments) => {
      if (started === null) return;
      setLastWasHeart(false);
      void submit(async () => {
        // A comment typed but not saved is part of what the client means to send.
        for (const { fileId, comment } of unsavedComments) {
          if (chosen.has(fileId)) await setFavourite(token, started.listToken, fileId, true, comment);
        }
        setList((await submitProofingSelection(token, started.listToken)).list);
        setNews('Sent to the photographer. Thank you!');
      });
    },
  };
}
