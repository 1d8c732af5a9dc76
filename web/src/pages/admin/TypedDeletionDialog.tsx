import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CodeField, TextField } from '../../components/form';

/** An irreversible deletion: the name (or address) typed again and a current authentication code, checked again by the server. */
export function TypedDeletionDialog({
  title,
  what,
  expected,
  body,
  onDelete,
  onCancel,
}: {
  title: string;
  what: string;
  expected: string;
  body: string;
  onDelete: (confirm: string, code: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  return (
    <ConfirmDialog
      title={title}
      confirmLabel="Delete for good"
      busyLabel="Deleting…"
      onConfirm={async () => {
        if (confirm.trim().toLowerCase() !== expected.toLowerCase()) throw new Error(`Type the ${what} exactly to confirm.`);
        await onDelete(confirm, code);
      }}
      onCancel={onCancel}
    >
      <p>{body}</p>
      <TextField id="deletion-confirm" label={`Type the ${what}: ${expected}`} value={confirm} onChange={(event) => setConfirm(event.target.value)} autoComplete="off" data-testid="deletion-confirm" />
      <CodeField id="deletion-code" label="Current authentication code" digits={6} value={code} onValueChange={setCode} data-testid="deletion-code" />
    </ConfirmDialog>
  );
}
