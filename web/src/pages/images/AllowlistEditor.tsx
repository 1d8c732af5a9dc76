import { useId } from 'react';
import { entriesOf, entryProblem } from './hostNames';

/** A list of host names, one per line, each checked as it is typed. */
export function AllowlistEditor({ label, hint, value, onChange, testId }: { label: string; hint: string; value: string; onChange: (text: string) => void; testId: string }) {
  const id = useId();
  const problems = entriesOf(value)
    .map((entry) => ({ entry, problem: entryProblem(entry) }))
    .filter((checked): checked is { entry: string; problem: string } => checked.problem !== null);
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      <textarea
        id={id}
        className="field-input allowlist-input"
        rows={3}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-hint ${id}-problems`}
        aria-invalid={problems.length > 0 ? true : undefined}
        spellCheck={false}
        data-testid={testId}
      />
      <ul className="allowlist-problems" id={`${id}-problems`} aria-live="polite" data-testid={`${testId}-problems`}>
        {problems.map(({ entry, problem }) => (
          <li key={entry}>
            <code>{entry}</code>: {problem}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function allowlistValid(text: string): boolean {
  return entriesOf(text).every((entry) => entryProblem(entry) === null);
}
