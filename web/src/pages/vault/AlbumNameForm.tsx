import { useState, type FormEvent } from 'react';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SubmitButton, TextField } from '../../components/form';

/** Naming an album, new or renamed: the field takes focus, and Escape cancels. */
export function AlbumNameForm({
  idPrefix,
  label,
  initialName,
  submitLabel,
  busyLabel,
  testIds,
  onSave,
  onCancel,
}: {
  idPrefix: string;
  label: string;
  initialName: string;
  submitLabel: string;
  busyLabel: string;
  testIds: { name: string; submit: string };
  /** Saves the trimmed name; when it fails the form stays and says why. */
  onSave: (name: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initialName);
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();
  const errorId = `${idPrefix}-error`;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(() => onSave(name.trim()));
  }

  return (
    <form
      className="form album-form"
      onSubmit={handleSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
      aria-busy={busy}
    >
      <TextField
        id={`${idPrefix}-name`}
        label={label}
        autoComplete="off"
        required
        maxLength={1000}
        value={name}
        onChange={(event) => setName(event.target.value)}
        ref={inputRef}
        errorId={error === null ? undefined : errorId}
        data-testid={testIds.name}
      />
      {error !== null && <FormError id={errorId} message={error} testId={errorId} />}
      <div className="form-actions">
        <SubmitButton busy={busy} label={submitLabel} busyLabel={busyLabel} testId={testIds.submit} />
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
