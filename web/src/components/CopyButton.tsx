import { useState } from 'react';

/** Copies `text` to the clipboard and says, in a live region, whether that worked. */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [outcome, setOutcome] = useState<string | null>(null);

  function copy() {
    navigator.clipboard.writeText(text).then(
      () => setOutcome('Copied.'),
      () => setOutcome('Couldn’t copy. Select the text and copy it yourself.'),
    );
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
