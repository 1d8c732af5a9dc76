import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { digitsOnly } from '../lib/format';

/** What a labelled field takes besides its control's own attributes. */
interface LabelledProps {
  id: string;
  label: string;
  /** The id of text elsewhere on the page that explains the field, read out with it. */
  descriptionId?: string;
  /** The id of the form's error message, while there is one, so it is read out with the field. */
  errorId?: string | undefined;
}

/** A field's label above its control (`children`, whose id is `id`). */
function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}

/** The control's ARIA attributes: read out with its description and the error, and invalid while there is an error. */
function describedBy(descriptionId: string | undefined, errorId: string | undefined) {
  const ids = [descriptionId, errorId].filter((part) => part !== undefined).join(' ');
  return { 'aria-describedby': ids === '' ? undefined : ids, 'aria-invalid': errorId === undefined ? undefined : true };
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> &
  LabelledProps & {
    ref?: Ref<HTMLInputElement>;
    variant?: 'code';
  };

export function TextField({ id, label, descriptionId, errorId, ref, variant, ...inputProps }: TextFieldProps) {
  return (
    <Labelled id={id} label={label}>
      <input
        {...inputProps}
        id={id}
        ref={ref}
        className={variant === 'code' ? 'field-input field-input-code' : 'field-input'}
        {...describedBy(descriptionId, errorId)}
      />
    </Labelled>
  );
}

/** A count from 1 up to `max` (a limit of some kind), typed or stepped; empty means none. */
export function CountField({ max, ...props }: Omit<TextFieldProps, 'type' | 'inputMode' | 'min' | 'step'> & { max: number }) {
  return <TextField {...props} type="number" inputMode="numeric" min={1} max={max} step={1} />;
}

/** An email address: the email keyboard, autofill, no spell-checking, required. */
export function EmailField(props: Omit<TextFieldProps, 'type' | 'autoComplete' | 'spellCheck' | 'required'>) {
  return <TextField type="email" autoComplete="email" spellCheck={false} required {...props} />;
}

type CodeFieldProps = Omit<TextFieldProps, 'variant' | 'inputMode' | 'autoComplete' | 'maxLength' | 'required' | 'value' | 'onChange'> & {
  /** How many digits the code has. */
  digits: number;
  value: string;
  /** The digits typed or pasted so far, at most `digits` of them. */
  onValueChange: (code: string) => void;
};

/** A one-time code sent by email or shown by an app: the number keypad, autofill, digits only, required. */
export function CodeField({ digits, value, onValueChange, ...props }: CodeFieldProps) {
  return (
    <TextField
      variant="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      // No maxLength: a pasted "123 456" must keep its last digit; digitsOnly keeps `digits` of them.
      required
      {...props}
      value={value}
      onChange={(event) => onValueChange(digitsOnly(event.target.value, digits))}
    />
  );
}

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> & LabelledProps & { ref?: Ref<HTMLTextAreaElement> };

/** A labelled <textarea>, described and marked invalid like `TextField`. */
export function TextAreaField({ id, label, descriptionId, errorId, ref, ...textareaProps }: TextAreaFieldProps) {
  return (
    <Labelled id={id} label={label}>
      <textarea {...textareaProps} id={id} ref={ref} className="field-input field-textarea" {...describedBy(descriptionId, errorId)} />
    </Labelled>
  );
}

type CheckboxFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'type'> & {
  id: string;
  label: string;
  /** A line under the label saying what choosing it means. */
  hint?: string;
};

/** A checkbox with its label beside it, and an optional hint under the label. */
export function CheckboxField({ id, label, hint, ...inputProps }: CheckboxFieldProps) {
  const hintId = `${id}-hint`;
  return (
    <div className="field field-check">
      <input {...inputProps} type="checkbox" id={id} className="field-checkbox" aria-describedby={hint === undefined ? undefined : hintId} />
      <div>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        {hint !== undefined && (
          <p className="field-hint" id={hintId}>
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className'> & { id: string; label: string };

/** A labelled <select>; its options are the children. */
export function SelectField({ id, label, children, ...selectProps }: SelectFieldProps) {
  return (
    <Labelled id={id} label={label}>
      <select {...selectProps} id={id} className="field-input">
        {children}
      </select>
    </Labelled>
  );
}

export function FormError({ id, message, testId }: { id: string; message: string; testId: string }) {
  return (
    <p className="form-error" id={id} role="alert" data-testid={testId}>
      {message}
    </p>
  );
}

/**
 * A submit button that stays focusable while busy (a disabled button would drop focus).
 * `disabled` is for a form that cannot be sent yet; say why next to the field that blocks it.
 */
export function SubmitButton({
  busy,
  label,
  busyLabel,
  testId,
  disabled = false,
}: {
  busy: boolean;
  label: string;
  busyLabel: string;
  testId: string;
  disabled?: boolean;
}) {
  return (
    <button type="submit" className="button button-primary" aria-disabled={busy} disabled={disabled} data-testid={testId}>
      {busy ? busyLabel : label}
    </button>
  );
}

/**
 * A polite live region for the outcome of an action ("Password changed."). It is always in
 * the page, empty until there is news, so screen readers announce the news when it arrives.
 */
export function StatusMessage({ message, testId }: { message: string | null; testId?: string }) {
  return (
    <p className="status-message" role="status" data-testid={testId}>
      {message}
    </p>
  );
}
