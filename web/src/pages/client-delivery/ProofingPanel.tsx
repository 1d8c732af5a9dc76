import { useEffect, useState, type FormEvent } from 'react';
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
import { FormError, StatusMessage, SubmitButton, TextField } from '../../components/form';

/**
 * The client's selection, phone first: say your name (each person with the link keeps their
 * own list), heart photos, leave a short comment, submit. The list's token stays in this
 * browser (localStorage), so closing the tab loses nothing; it never goes in an address.
 */
export function ProofingPanel({ token, files }: { token: string; files: ClientFile[] }) {
  const [settings, setSettings] = useState<ProofingSettings | null>(null);
  const [list, setList] = useState<ClientProofingList | null>(null);
  const [listToken, setListToken] = useState<string | null>(() => storedListToken(token));

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
  return (
    <section className="panel proofing-panel" aria-labelledby="proofing-client-heading" data-testid="proofing-panel">
      <h2 id="proofing-client-heading">Your favourites</h2>
      {list === null || listToken === null ? (
        <StartList
          token={token}
          limit={settings.favouriteLimit}
          onStarted={(started, startedToken) => {
            storeListToken(token, startedToken);
            setListToken(startedToken);
            setList(started);
          }}
        />
      ) : (
        <Selection token={token} listToken={listToken} list={list} limit={settings.favouriteLimit} files={files} onChanged={setList} />
      )}
    </section>
  );
}

function StartList({ token, limit, onStarted }: { token: string; limit: number | null; onStarted: (list: ClientProofingList, listToken: string) => void }) {
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmission();
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const { list, listToken } = await createProofingList(token, name);
      onStarted(list, listToken);
    });
  }
  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <p className="card-lead">
        Choose your favourite photos{limit === null ? '' : ` (up to ${limit})`} and send your selection to the photographer. Everyone with this link keeps their own list: start
        yours with your name.
      </p>
      <TextField id="proofing-name" label="Your name" autoComplete="given-name" maxLength={60} required value={name} onChange={(event) => setName(event.target.value)} data-testid="proofing-name" />
      {error !== null && <FormError id="proofing-start-error" message={error} testId="proofing-start-error" />}
      <SubmitButton busy={busy} label="Start my selection" busyLabel="Starting…" testId="proofing-start" />
    </form>
  );
}

function Selection({
  token,
  listToken,
  list,
  limit,
  files,
  onChanged,
}: {
  token: string;
  listToken: string;
  list: ClientProofingList;
  limit: number | null;
  files: ClientFile[];
  onChanged: (list: ClientProofingList) => void;
}) {
  const { busy, error, submit } = useSubmission();
  const [news, setNews] = useState<string | null>(null);
  const submitted = list.status === 'submitted';
  const chosen = new Set(list.favourites);
  const count = list.favourites.length;

  function toggle(fileId: string) {
    void submit(async () => {
      onChanged((await setFavourite(token, listToken, fileId, !chosen.has(fileId))).list);
    });
  }

  function saveComment(fileId: string, comment: string) {
    void submit(async () => {
      onChanged((await setFavourite(token, listToken, fileId, chosen.has(fileId), comment)).list);
      setNews('Comment saved.');
    });
  }

  function send() {
    void submit(async () => {
      onChanged((await submitProofingSelection(token, listToken)).list);
      setNews('Sent to the photographer. Thank you!');
    });
  }

  return (
    <div className="card-stack">
      <p className="proofing-count" data-testid="proofing-count">
        {list.name}: {count} chosen{limit === null ? '' : ` of up to ${limit}`}
        {submitted ? ' · sent' : ''}
      </p>
      {submitted && <p className="muted">Your selection was sent. To change it, ask the photographer to reopen it.</p>}
      <ul className="proofing-grid">
        {files.map((file) => (
          <ProofingCard
            key={file.id}
            file={file}
            chosen={chosen.has(file.id)}
            comment={list.comments.find((entry) => entry.fileId === file.id)?.comment ?? ''}
            disabled={submitted || busy}
            onToggle={() => toggle(file.id)}
            onComment={(comment) => saveComment(file.id, comment)}
          />
        ))}
      </ul>
      {error !== null && <FormError id="proofing-error" message={error} testId="proofing-error" />}
      <StatusMessage message={news} testId="proofing-news" />
      {!submitted && (
        <button type="button" className="button button-primary proofing-submit" aria-disabled={busy || count === 0} disabled={count === 0} onClick={send} data-testid="proofing-submit">
          Send my selection ({count})
        </button>
      )}
    </div>
  );
}

function ProofingCard({
  file,
  chosen,
  comment,
  disabled,
  onToggle,
  onComment,
}: {
  file: ClientFile;
  chosen: boolean;
  comment: string;
  disabled: boolean;
  onToggle: () => void;
  onComment: (comment: string) => void;
}) {
  const [draft, setDraft] = useState(comment);
  useEffect(() => setDraft(comment), [comment]);
  const commentId = `proofing-comment-${file.id}`;
  return (
    <li className="proofing-card" data-testid="proofing-card">
      {file.thumbnailUrl !== null && <img src={file.thumbnailUrl} alt={file.name} className="proofing-thumb" loading="lazy" />}
      <div className="proofing-card-row">
        <span className="proofing-name">{file.name}</span>
        <button
          type="button"
          className={chosen ? 'button proofing-heart proofing-heart-on' : 'button proofing-heart'}
          aria-pressed={chosen}
          aria-label={chosen ? `Remove ${file.name} from favourites` : `Add ${file.name} to favourites`}
          aria-disabled={disabled}
          onClick={() => {
            if (!disabled) onToggle();
          }}
          data-testid="proofing-heart"
        >
          {chosen ? '♥' : '♡'}
        </button>
      </div>
      <label className="field-label" htmlFor={commentId}>
        Comment
      </label>
      <div className="proofing-card-row">
        <input
          id={commentId}
          className="field-input"
          maxLength={500}
          value={draft}
          readOnly={disabled}
          onChange={(event) => setDraft(event.target.value)}
          data-testid="proofing-comment"
        />
        {draft !== comment && !disabled && (
          <button type="button" className="button button-secondary button-small" onClick={() => onComment(draft)} data-testid="proofing-comment-save">
            Save
          </button>
        )}
      </div>
    </li>
  );
}
