import { CopyButton } from '../../components/CopyButton';

/** A lab's ID and new PIN as the server made them: the PIN is never shown again. */
export function ShownPin({ labId, pin, onDone }: { labId: string; pin: string; onDone: () => void }) {
  return (
    <div className="panel" data-testid="lab-pin-shown">
      <p className="notice notice-important">
        <strong>This is the only time the PIN is shown.</strong> Give it to the lab now: Shutterlock keeps only a keyed hash of it.
      </p>
      <dl className="secrets">
        <div className="secrets-row">
          <dt>Lab ID</dt>
          <dd>
            <div className="secret-value secret-value-code" role="group" aria-label="Lab ID" data-testid="shown-lab-id">
              <code>{labId}</code>
            </div>
            <CopyButton text={labId} label="Copy lab ID" />
          </dd>
        </div>
        <div className="secrets-row">
          <dt>PIN</dt>
          <dd>
            <div className="secret-value secret-value-code" role="group" aria-label="Lab PIN" data-testid="shown-lab-pin">
              <code>{pin}</code>
            </div>
            <CopyButton text={pin} label="Copy PIN" testId="copy-lab-pin" />
          </dd>
        </div>
      </dl>
      <button type="button" className="button button-secondary button-small" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
