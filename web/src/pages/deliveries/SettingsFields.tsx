import type { ReactNode, Ref } from 'react';
import { CheckboxField, CountField, TextAreaField, TextField } from '../../components/form';
import {
  daysFromToday,
  latestExpiryDay,
  MAX_DOWNLOAD_LIMIT,
  MAX_MESSAGE_LENGTH,
  MAX_TITLE_LENGTH,
  type Problems,
  type SettingsDraft,
  type SettingsField,
} from './settings';

/**
 * The fields of a delivery's settings, for a new delivery and for editing one. `children`
 * go after the recipients (the new delivery's expiry date). A field with a problem says
 * so under it, and is read out with it.
 */
export function SettingsFields({
  idPrefix,
  draft,
  onChange,
  problems,
  titleRef,
  children,
}: {
  idPrefix: string;
  draft: SettingsDraft;
  onChange: (change: Partial<SettingsDraft>) => void;
  problems: Problems;
  titleRef?: Ref<HTMLInputElement>;
  children?: ReactNode;
}) {
  const problemId = (field: SettingsField) => (problems[field] === undefined ? undefined : `${idPrefix}-${field}-problem`);
  const recipientsHintId = `${idPrefix}-recipients-hint`;
  const limitHintId = `${idPrefix}-limit-hint`;

  return (
    <>
      <TextField
        id={`${idPrefix}-title`}
        label="Title"
        autoComplete="off"
        required
        maxLength={MAX_TITLE_LENGTH}
        value={draft.title}
        onChange={(event) => onChange({ title: event.target.value })}
        ref={titleRef}
        errorId={problemId('title')}
        data-testid={`${idPrefix}-title`}
      />
      <Problem id={problemId('title')} message={problems.title} />
      <TextAreaField
        id={`${idPrefix}-message`}
        label="Message"
        rows={4}
        maxLength={MAX_MESSAGE_LENGTH}
        value={draft.message}
        onChange={(event) => onChange({ message: event.target.value })}
        data-testid={`${idPrefix}-message`}
      />
      <TextAreaField
        id={`${idPrefix}-recipients`}
        label="Recipients"
        rows={2}
        autoComplete="off"
        spellCheck={false}
        value={draft.recipients}
        onChange={(event) => onChange({ recipients: event.target.value })}
        descriptionId={recipientsHintId}
        errorId={problemId('recipients')}
        data-testid={`${idPrefix}-recipients`}
      />
      <p className="field-hint field-hint-after" id={recipientsHintId}>
        Optional. Email addresses, separated by commas or new lines: each gets the link and the code in two separate emails.
      </p>
      <Problem id={problemId('recipients')} message={problems.recipients} />
      {children}
      <CountField
        id={`${idPrefix}-limit`}
        label="Download limit"
        max={MAX_DOWNLOAD_LIMIT}
        value={draft.downloadLimit}
        onChange={(event) => onChange({ downloadLimit: event.target.value })}
        descriptionId={limitHintId}
        errorId={problemId('downloadLimit')}
        data-testid={`${idPrefix}-limit`}
      />
      <p className="field-hint field-hint-after" id={limitHintId}>
        Optional. Each file and each ZIP downloaded counts as one. Leave it empty for no limit.
        {!draft.allowOriginals && ' With originals off, your client sees these same previews in the gallery, so the limit cannot stop copies.'}
      </p>
      <Problem id={problemId('downloadLimit')} message={problems.downloadLimit} />
      <CheckboxField
        id={`${idPrefix}-originals`}
        label="Allow downloading originals"
        hint="Otherwise your client can download the large previews only."
        checked={draft.allowOriginals}
        onChange={(event) => onChange({ allowOriginals: event.target.checked })}
        data-testid={`${idPrefix}-originals`}
      />
      <CheckboxField
        id={`${idPrefix}-zip`}
        label="Offer download all (ZIP)"
        hint="One button that downloads every file at once."
        checked={draft.allowZip}
        onChange={(event) => onChange({ allowZip: event.target.checked })}
        data-testid={`${idPrefix}-zip`}
      />
    </>
  );
}

/**
 * The last day a delivery can be opened (today at the earliest, within a year), `hint` saying
 * what the day means under it, and its problem, when it has one.
 */
export function ExpiryDateField({
  id,
  label,
  hint,
  value,
  onChange,
  problem,
  inputRef,
}: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const hintId = `${id}-hint`;
  const problemId = problem === undefined ? undefined : `${id}-problem`;
  return (
    <>
      <TextField
        id={id}
        label={label}
        type="date"
        required
        min={daysFromToday(0)}
        max={latestExpiryDay()}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        descriptionId={hintId}
        errorId={problemId}
        ref={inputRef}
        data-testid={id}
      />
      <p className="field-hint field-hint-after" id={hintId}>
        {hint}
      </p>
      <Problem id={problemId} message={problem} />
    </>
  );
}

/** What is wrong with a field, right under it. */
function Problem({ id, message }: { id: string | undefined; message: string | undefined }) {
  if (id === undefined || message === undefined) return null;
  return (
    <p className="field-problem" id={id}>
      {message}
    </p>
  );
}
