import { useCallback, useState, type FormEvent } from 'react';
import {
  createAlbumFromSelection,
  listProofingSelections,
  reopenProofingSelection,
  setDeliveryProofing,
  type ProofingSelection,
} from '../../api/proofing';
import { useCan } from '../../app/permissions';
import { useLoader } from '../../app/useLoader';
import { useSubmission } from '../../app/useSubmission';
import { CopyButton } from '../../components/CopyButton';
import { CheckboxField, CountField, FormError, StatusMessage, SubmitButton } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';

/**
 * The photographer's side of proofing on a delivery page: offer it (with an optional "choose
 * up to N"), then every client's named selection with its hearts and comments, the file names
 * to paste into Lightroom Classic or Capture One (or as CSV), reopening and an album.
 */
export function ProofingSection({ deliveryId }: { deliveryId: string }) {
  const load = useCallback(() => listProofingSelections(deliveryId), [deliveryId]);
  const loaded = useLoader(load);
  return (
    <section className="panel" aria-labelledby="proofing-heading" data-testid="proofing-section">
      <h2 id="proofing-heading">Proofing</h2>
      {loaded.state.status === 'loading' && <p className="muted">Loading selections…</p>}
      {loaded.state.status === 'failed' && <LoadFailed message={loaded.state.message} onRetry={loaded.reload} />}
      {loaded.state.status === 'ready' && (
        <>
          <ProofingSettingsForm
            deliveryId={deliveryId}
            enabled={loaded.state.data.proofing.enabled}
            limit={loaded.state.data.proofing.favouriteLimit}
            onSaved={(proofing) => loaded.update((data) => ({ ...data, proofing }))}
          />
          <div className="panel-heading-row">
            <h3>Selections</h3>
            <button type="button" className="button button-secondary button-small" onClick={loaded.reload} data-testid="proofing-refresh">
              Reload selections
            </button>
          </div>
          {loaded.state.data.lists.length === 0 ? (
            <p className="muted">No client has started a selection yet.</p>
          ) : (
            <ul className="proofing-selections">
              {loaded.state.data.lists.map((list) => (
                <SelectionCard
                  key={list.id}
                  deliveryId={deliveryId}
                  list={list}
                  onChanged={(changed) => loaded.update((data) => ({ ...data, lists: data.lists.map((item) => (item.id === changed.id ? changed : item)) }))}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function ProofingSettingsForm({
  deliveryId,
  enabled,
  limit,
  onSaved,
}: {
  deliveryId: string;
  enabled: boolean;
  limit: number | null;
  onSaved: (proofing: { enabled: boolean; favouriteLimit: number | null }) => void;
}) {
  const [on, setOn] = useState(enabled);
  const [limitText, setLimitText] = useState(limit === null ? '' : String(limit));
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, submit, fail } = useSubmission();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    const parsed = parseProofingLimit(limitText);
    if (parsed === undefined) {
      fail(PROOFING_LIMIT_PROBLEM);
      return;
    }
    void submit(async () => {
      const { proofing } = await setDeliveryProofing(deliveryId, on, parsed);
      onSaved(proofing);
      setSaved(proofing.enabled ? 'Proofing is on.' : 'Proofing is off.');
    });
  }

  return (
    <form onSubmit={handleSubmit} aria-busy={busy}>
      <ProofingFields idPrefix="proofing" on={on} onToggle={setOn} limitText={limitText} onLimitChange={setLimitText} />
      {error !== null && <FormError id="proofing-settings-error" message={error} testId="proofing-settings-error" />}
      <SubmitButton busy={busy} label="Save proofing" busyLabel="Saving…" testId="proofing-save" />
      <StatusMessage message={saved} testId="proofing-saved" />
    </form>
  );
}

/**
 * Whether the client may choose favourites, and how many at most: on the delivery page and in
 * the new delivery's form. The limit's field shows only with proofing on.
 */
export function ProofingFields({
  idPrefix,
  on,
  onToggle,
  limitText,
  onLimitChange,
}: {
  idPrefix: string;
  on: boolean;
  onToggle: (on: boolean) => void;
  limitText: string;
  onLimitChange: (text: string) => void;
}) {
  return (
    <>
      <CheckboxField
        id={`${idPrefix}-enabled`}
        label="Let the client choose favourites"
        hint="Hearts and a short comment per photo; each person keeps their own named list and submits it."
        checked={on}
        onChange={(event) => onToggle(event.target.checked)}
        data-testid={`${idPrefix}-enabled`}
      />
      {on && (
        <CountField
          id={`${idPrefix}-limit`}
          label="Choose up to (optional)"
          max={PROOFING_LIMIT_MAX}
          value={limitText}
          onChange={(event) => onLimitChange(event.target.value)}
          data-testid={`${idPrefix}-limit`}
        />
      )}
    </>
  );
}

/** The most favourites a limit can ask for (the server's bound). */
const PROOFING_LIMIT_MAX = 10_000;

export const PROOFING_LIMIT_PROBLEM = 'Choose up to: a whole number from 1 to 10 000, or leave it empty for no limit.';

/** The limit typed, as the server takes it: null for none, a whole number 1–10 000, or undefined when it is neither. */
export function parseProofingLimit(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const limit = Number(trimmed);
  return Number.isInteger(limit) && limit >= 1 && limit <= PROOFING_LIMIT_MAX ? limit : undefined;
}

function SelectionCard({ deliveryId, list, onChanged }: { deliveryId: string; list: ProofingSelection; onChanged: (list: ProofingSelection) => void }) {
  const action = useSubmission();
  const [news, setNews] = useState<string | null>(null);
  // An album is the library's: making one takes the role's library editing too (the server checks it).
  const canMakeAlbums = useCan('library.edit');

  function reopen() {
    void action.submit(async () => {
      onChanged((await reopenProofingSelection(deliveryId, list.id)).list);
      setNews('Reopened: the client can change it again.');
    });
  }

  function makeAlbum() {
    void action.submit(async () => {
      const { album } = await createAlbumFromSelection(deliveryId, list.id);
      setNews(`Album “${album.name}” made with ${album.fileCount} photo${album.fileCount === 1 ? '' : 's'}.`);
    });
  }

  return (
    <li className="proofing-selection" data-testid="proofing-selection">
      <h4>
        {list.name} <span className="muted">· {list.favouriteCount} chosen · {list.status === 'submitted' ? 'submitted' : 'in progress'}</span>
      </h4>
      {list.items.length > 0 && (
        <ul className="proofing-items">
          {list.items.map((item) => (
            <li key={item.fileId}>
              {item.favourite ? '♥ ' : ''}
              {item.name}
              {item.comment !== null && <span className="muted"> — {item.comment}</span>}
            </li>
          ))}
        </ul>
      )}
      {list.filter !== '' && (
        <p>
          <code className="proofing-filter" data-testid="proofing-filter">
            {list.filter}
          </code>
        </p>
      )}
      <div className="button-row">
        {list.filter !== '' && <CopyButton text={list.filter} label="Copy Lightroom / Capture One filter" testId="proofing-copy-filter" />}
        {list.items.length > 0 && <CopyButton text={list.csv} label="Copy as CSV" testId="proofing-copy-csv" />}
        {list.status === 'submitted' && (
          <button type="button" className="button button-secondary" aria-disabled={action.busy} onClick={reopen} data-testid="proofing-reopen">
            Reopen
          </button>
        )}
        {list.favouriteCount > 0 && canMakeAlbums && (
          <button type="button" className="button button-secondary" aria-disabled={action.busy} onClick={makeAlbum} data-testid="proofing-album">
            Make an album
          </button>
        )}
      </div>
      {action.error !== null && <FormError id={`proofing-error-${list.id}`} message={action.error} testId="proofing-error" />}
      <StatusMessage message={news} />
    </li>
  );
}
