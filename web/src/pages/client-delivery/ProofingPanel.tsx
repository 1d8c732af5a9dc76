import { useState, type FormEvent } from 'react';
import type { ClientFile } from '../../api/deliveries';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormError, StatusMessage, SubmitButton, TextField } from '../../components/form';
import { HeartButton } from './HeartButton';
import { PROOFING_NAME_ID, type Proofing } from './useProofing';

/**
 * The client's selection, phone first, under the gallery: say your name (each person with the
 * link keeps their own list), then a short list of the photos hearted on the gallery, each
 * with its full name and a comment, the count against the limit, and Send.
 */
export function ProofingPanel({ proofing, files }: { proofing: Proofing; files: ClientFile[] }) {
  const { list, settings } = proofing;
  return (
    <section className="panel proofing-panel" aria-labelledby="proofing-client-heading" data-testid="proofing-panel">
      <h2 id="proofing-client-heading">Your favourites</h2>
      {list === null ? <StartList proofing={proofing} /> : <Selection proofing={proofing} files={files.filter((file) => list.favourites.includes(file.id))} limit={settings.favouriteLimit} />}
    </section>
  );
}

function StartList({ proofing }: { proofing: Proofing }) {
  const [name, setName] = useState('');
  const limit = proofing.settings.favouriteLimit;
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    proofing.start(name);
  }
  return (
    <form onSubmit={handleSubmit} aria-busy={proofing.busy}>
      <p className="card-lead">
        Choose your favourite photos{limit === null ? '' : ` (up to ${limit})`} with the ♡ on each photo, and send your selection to the photographer. Everyone
        with this link keeps their own list: start yours with your name.
      </p>
      <TextField id={PROOFING_NAME_ID} label="Your name" autoComplete="given-name" maxLength={60} required value={name} onChange={(event) => setName(event.target.value)} data-testid="proofing-name" />
      {proofing.error !== null && <FormError id="proofing-start-error" message={proofing.error} testId="proofing-start-error" />}
      <SubmitButton busy={proofing.busy} label="Start my selection" busyLabel="Starting…" testId="proofing-start" />
    </form>
  );
}

function Selection({ proofing, files, limit }: { proofing: Proofing; files: ClientFile[]; limit: number | null }) {
  const list = proofing.list;
  if (list === null) return null;
  const submitted = list.status === 'submitted';
  const count = list.favourites.length;
  const [confirmingSend, setConfirmingSend] = useState(false);
  // Comments as typed, by photo, until saved (or sent: Send saves them first).
  const [drafts, setDrafts] = useState<Readonly<Record<string, string>>>({});
  const savedComment = (fileId: string) => list.comments.find((entry) => entry.fileId === fileId)?.comment ?? '';
  const unsavedComments = files.flatMap((file) => {
    const draft = drafts[file.id];
    return draft !== undefined && draft !== savedComment(file.id) ? [{ fileId: file.id, comment: draft }] : [];
  });
  return (
    <div className="card-stack">
      <p className="proofing-count" data-testid="proofing-count">
        {list.name}: {count} chosen{limit === null ? '' : ` of up to ${limit}`}
        {submitted ? ' · sent' : ''}
      </p>
      {submitted && <p className="muted">Your selection was sent. To change it, ask the photographer to reopen it.</p>}
      {files.length === 0 ? (
        <p className="muted" data-testid="proofing-empty">
          Tap the ♡ on a photo to choose it.
        </p>
      ) : (
        <ul className="proofing-list">
          {files.map((file) => (
            <ChosenPhoto
              key={file.id}
              file={file}
              proofing={proofing}
              comment={savedComment(file.id)}
              draft={drafts[file.id] ?? savedComment(file.id)}
              onDraftChange={(draft) => setDrafts((current) => ({ ...current, [file.id]: draft }))}
              readOnly={submitted || proofing.busy}
            />
          ))}
        </ul>
      )}
      {proofing.error !== null && <FormError id="proofing-error" message={proofing.error} testId="proofing-error" />}
      <StatusMessage message={proofing.news} testId="proofing-news" />
      {!submitted && (
        <button
          type="button"
          className="button button-primary proofing-submit"
          aria-disabled={proofing.busy || count === 0}
          disabled={count === 0}
          onClick={() => {
            if (!proofing.busy) setConfirmingSend(true);
          }}
          data-testid="proofing-submit"
        >
          Send my selection ({count})
        </button>
      )}
      {confirmingSend && (
        <ConfirmDialog
          title={`Send your ${count === 1 ? 'favourite' : `${count} favourites`} to the photographer?`}
          confirmLabel="Send"
          busyLabel="Sending…"
          tone="primary"
          onConfirm={async () => {
            setConfirmingSend(false);
            proofing.send(unsavedComments);
          }}
          onCancel={() => setConfirmingSend(false)}
        >
          <p>Once sent, the list can’t be changed here: to change it, ask the photographer to reopen it.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function ChosenPhoto({
  file,
  proofing,
  comment,
  draft,
  onDraftChange,
  readOnly,
}: {
  file: ClientFile;
  proofing: Proofing;
  comment: string;
  draft: string;
  onDraftChange: (draft: string) => void;
  readOnly: boolean;
}) {
  const commentId = `proofing-comment-${file.id}`;
  return (
    <li className="proofing-item" data-testid="proofing-item">
      {file.thumbnailUrl !== null && <img src={file.thumbnailUrl} alt="" className="proofing-thumb" loading="lazy" />}
      <div className="proofing-item-body">
        <div className="proofing-card-row">
          <span className="proofing-name">{file.name}</span>
          <HeartButton file={file} hearts={proofing.hearts} />
        </div>
        <label className="visually-hidden" htmlFor={commentId}>
          Comment on {file.name}
        </label>
        <div className="proofing-card-row">
          <input
            id={commentId}
            className="field-input"
            maxLength={500}
            placeholder="Comment (optional)"
            value={draft}
            readOnly={readOnly}
            onChange={(event) => onDraftChange(event.target.value)}
            data-testid="proofing-comment"
          />
          {draft !== comment && !readOnly && (
            <button type="button" className="button button-secondary button-small" onClick={() => proofing.saveComment(file.id, draft)} data-testid="proofing-comment-save">
              Save
            </button>
          )}
        </div>
      </div>
    </li>
  );
}
