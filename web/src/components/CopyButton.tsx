import { useRef, useState, type RefObject } from 'react';

/**
 * The one Copy button. Copies `text` to the clipboard and says, in a live region, whether that
 * worked. Where the Clipboard API is missing (plain http, older browsers) or refuses, the text is
 * selected instead — the shown text in `selectTarget`, or else a read-only field that appears
 * beside the button holding exactly `text` — and the old copy command is tried on the selection,
 * so either it is copied or one keystroke copies it. Never a button that silently does nothing.
 */
export function CopyButton({ text, label, testId, selectTarget }: { text: string; label: string; testId?: string; selectTarget?: RefObject<HTMLElement | null> }) {
  const [outcome, setOutcome] = useState<string | null>(null);
  const [showField, setShowField] = useState(false);
  const fieldRef = useRef<HTMLTextAreaElement>(null);

  /** `document.execCommand('copy')` is deprecated but still the only copy over plain http. */
  function copySelection(): boolean {
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }

  function selectField(field: HTMLTextAreaElement) {
    field.focus();
    field.select();
    setOutcome(copySelection() ? 'Copied.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy.');
  }

  function selectInstead() {
    const target = selectTarget?.current;
    const selection = window.getSelection();
    if (target && selection) {
      selection.selectAllChildren(target);
      setOutcome(copySelection() ? 'Copied.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy.');
      return;
    }
    if (fieldRef.current) {
      selectField(fieldRef.current);
      return;
    }
    setShowField(true);
  }

  function copy() {
    if (!navigator.clipboard?.writeText) {
      selectInstead();
      return;
    }
    navigator.clipboard.writeText(text).then(() => setOutcome('Copied.'), selectInstead);
  }

  return (
    <span className="copy">
      <button type="button" className="button button-secondary button-small" onClick={copy} data-testid={testId}>
        {label}
      </button>
      {showField && (
        <textarea
          ref={(field) => {
            fieldRef.current = field;
            // Selected as it appears: the copy that could not happen is one keystroke away.
            if (field && document.activeElement !== field) selectField(field);
          }}
          className="copy-fallback"
          readOnly
          value={text}
          rows={Math.min(text.split('\n').length, 10)}
          aria-label={`${label}: the text to copy`}
          data-testid={testId === undefined ? undefined : `${testId}-fallback`}
        />
      )}
      <span className="copy-outcome" role="status">
        {outcome}
      </span>
    </span>
  );
}
