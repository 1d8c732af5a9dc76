import type { ReactNode } from 'react';
import { useModalDialog } from '../app/useModalDialog';
import { useSubmission } from '../app/useSubmission';
import { FormError } from './form';

/**
 * An in-page confirmation for an action, destructive unless `tone` says otherwise: a modal
 * <dialog>, so the browser traps focus inside it, closes it on Escape and gives focus back
 * to the button that opened it. Cancel comes first, so it is what holds focus when the
 * dialog opens, unless the body has a field to fill in first (e.g. where to move photos).
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  onConfirm,
  onCancel,
  tone = 'danger',
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  /** Runs the action; when it fails the dialog stays open and says why. */
  onConfirm: () => Promise<void>;
  onCancel: () => void;
  tone?: 'danger' | 'primary';
}) {
  const dialogRef = useModalDialog();
  const { busy, error, submit } = useSubmission();

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="confirm-dialog-title"
      aria-describedby="confirm-dialog-body"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      data-testid="confirm-dialog"
    >
      <h2 id="confirm-dialog-title">{title}</h2>
      <div id="confirm-dialog-body" className="dialog-body">
        {children}
      </div>
      {error !== null && <FormError id="confirm-dialog-error" message={error} testId="confirm-dialog-error" />}
      <div className="dialog-actions">
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`button button-${tone}`}
          aria-disabled={busy}
          onClick={() => void submit(onConfirm)}
          data-testid="confirm-dialog-confirm"
        >
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
