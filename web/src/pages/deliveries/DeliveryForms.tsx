import { useState, type FormEvent, type ReactNode } from 'react';
import { updateDelivery, type Delivery, type DeliveryChanges } from '../../api/deliveries';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SubmitButton } from '../../components/form';
import {
  checkSettings,
  DEFAULT_EXPIRY_DAYS,
  dateInputValue,
  draftOf,
  endOfDay,
  expiryProblem,
  latestExpiryDay,
  type CheckedSettings,
  type Problems,
  type SettingsDraft,
  type SettingsField,
} from './settings';
import { ExpiryDateField, SettingsFields } from './SettingsFields';

const EDIT_PREFIX = 'edit-delivery';
const EDIT_FIELD_IDS: Array<[SettingsField, string]> = [
  ['title', `${EDIT_PREFIX}-title`],
  ['recipients', `${EDIT_PREFIX}-recipients`],
  ['downloadLimit', `${EDIT_PREFIX}-limit`],
];

/** Editing a delivery's settings in place; only what changed is sent. Escape cancels. */
export function EditForm({ delivery, onSaved, onCancel }: { delivery: Delivery; onSaved: (delivery: Delivery) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(delivery));
  const [problems, setProblems] = useState<Problems>({});
  const { busy, error, submit } = useSubmission();
  const titleRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkSettings(draft);
    if ('problems' in checked) {
      setProblems(checked.problems);
      const first = EDIT_FIELD_IDS.find(([field]) => checked.problems[field] !== undefined);
      if (first !== undefined) document.getElementById(first[1])?.focus();
      return;
    }
    setProblems({});
    const changes = changesFrom(delivery, checked.settings);
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    void submit(async () => onSaved(await updateDelivery(delivery.id, changes)));
  }

  return (
    <InlineForm headingId="edit-delivery-heading" heading="Edit delivery" busy={busy} onSubmit={handleSubmit} onCancel={onCancel} testId="edit-delivery-form">
      <SettingsFields idPrefix={EDIT_PREFIX} draft={draft} onChange={(change) => setDraft((current) => ({ ...current, ...change }))} problems={problems} titleRef={titleRef} />
      {error !== null && <FormError id="edit-delivery-error" message={error} testId="edit-delivery-error" />}
      <FormButtons busy={busy} label="Save changes" busyLabel="Saving…" testId="edit-delivery-submit" onCancel={onCancel} />
    </InlineForm>
  );
}

function changesFrom(delivery: Delivery, settings: CheckedSettings): DeliveryChanges {
  const changes: DeliveryChanges = {};
  if (settings.title !== delivery.title) changes.title = settings.title;
  if (settings.message !== delivery.message) changes.message = settings.message;
  if (settings.recipients.join('\n') !== delivery.recipients.join('\n')) changes.recipients = settings.recipients;
  if (settings.downloadLimit !== delivery.downloadLimit) changes.downloadLimit = settings.downloadLimit;
  if (settings.allowOriginals !== delivery.allowOriginals) changes.allowOriginals = settings.allowOriginals;
  if (settings.allowZip !== delivery.allowZip) changes.allowZip = settings.allowZip;
  return changes;
}

/** A new last day for the delivery: by default, 30 days after it would end (or after today, if it has), within a year. */
export function ExtendForm({ delivery, onSaved, onCancel }: { delivery: Delivery; onSaved: (delivery: Delivery) => void; onCancel: () => void }) {
  const [value, setValue] = useState(() => {
    const from = new Date(Math.max(Date.parse(delivery.expiresAt), Date.now()));
    const proposed = dateInputValue(new Date(from.getFullYear(), from.getMonth(), from.getDate() + DEFAULT_EXPIRY_DAYS));
    const latest = latestExpiryDay();
    return proposed > latest ? latest : proposed; // both YYYY-MM-DD
  });
  const [problem, setProblem] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();
  const inputRef = useFocusOnMount<HTMLInputElement>();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = expiryProblem(value);
    setProblem(found);
    const expiresAt = endOfDay(value);
    if (found !== null || expiresAt === null) {
      inputRef.current?.focus();
      return;
    }
    void submit(async () => onSaved(await updateDelivery(delivery.id, { expiresAt })));
  }

  return (
    <InlineForm headingId="extend-delivery-heading" heading="Extend" busy={busy} onSubmit={handleSubmit} onCancel={onCancel} testId="extend-delivery-form">
      <ExpiryDateField
        id="extend-delivery-date"
        label="New expiry date"
        hint="The link works until the end of this day. The code stays the same."
        value={value}
        onChange={setValue}
        problem={problem ?? undefined}
        inputRef={inputRef}
      />
      {error !== null && <FormError id="extend-delivery-error" message={error} testId="extend-delivery-error" />}
      <FormButtons busy={busy} label="Save expiry date" busyLabel="Saving…" testId="extend-delivery-submit" onCancel={onCancel} />
    </InlineForm>
  );
}

function InlineForm({
  headingId,
  heading,
  busy,
  onSubmit,
  onCancel,
  testId,
  children,
}: {
  headingId: string;
  heading: string;
  busy: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <form
      className="form panel"
      aria-labelledby={headingId}
      aria-busy={busy}
      noValidate
      onSubmit={onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
      data-testid={testId}
    >
      <h2 id={headingId}>{heading}</h2>
      {children}
    </form>
  );
}

function FormButtons({ busy, label, busyLabel, testId, onCancel }: { busy: boolean; label: string; busyLabel: string; testId: string; onCancel: () => void }) {
  return (
    <div className="form-actions">
      <SubmitButton busy={busy} label={label} busyLabel={busyLabel} testId={testId} />
      <button type="button" className="button button-secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
