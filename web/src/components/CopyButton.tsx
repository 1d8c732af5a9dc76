import { useState, type RefObject } from 'react';

/**
 * Copies `text` to the clipboard and says, in a live region, whether that worked. Where the
 * Clipboard API is missing (plain http, older browsers) or refuses, the text in `selectTarget`
 * is selected instead, so one keystroke copies it.
 */
export function CopyButton({ text, label, testId, selectTarget }: { text: string; label: string; testId?: string; selectTarget?: RefObject<HTMLElement | null> }) {
  const [outcome, setOutcome] = useState<string | null>(null);

  function selectInstead() {
    const target = selectTarget?.current;
    const selection = window.getSelection();
    if (target && selection) {
      selection.selectAllChildren(target);
      setOutcome('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    } else {
      setOutcome('Couldn’t copy. Select the text and copy it yourself.');
    }
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
      <span className="copy-outcome" role="status">
        {outcome}
      </span>
    </span>
  );
}
