import { type FormEvent, useState } from 'react';
import type { UserFilters as Filters } from '../../api/admin';
import { SelectField, TextField } from '../../components/form';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Last sign-in choices, as the two time bounds `listUsers` takes (computed when chosen). */
const lastSignInBounds = {
  any: () => ({}),
  week: () => ({ lastSignInAfter: new Date(Date.now() - 7 * DAY_MS).toISOString() }),
  month: () => ({ lastSignInAfter: new Date(Date.now() - 30 * DAY_MS).toISOString() }),
  dormant: () => ({ lastSignInBefore: new Date(Date.now() - 90 * DAY_MS).toISOString() }),
} as const;

type Role = NonNullable<Filters['role']> | '';
type Status = NonNullable<Filters['status']> | '';
type LastSignIn = keyof typeof lastSignInBounds;

const roleOptions: ReadonlyArray<[Role, string]> = [
  ['', 'Any'],
  ['admin', 'Admin'],
  ['photographer', 'Photographer'],
];
const statusOptions: ReadonlyArray<[Status, string]> = [
  ['', 'Any'],
  ['invited', 'Invited'],
  ['active', 'Active'],
  ['disabled', 'Disabled'],
];
const lastSignInOptions: ReadonlyArray<[LastSignIn, string]> = [
  ['any', 'Any time'],
  ['week', 'In the last 7 days'],
  ['month', 'In the last 30 days'],
  ['dormant', 'Not in 90 days (or never)'],
];

/** A labelled choice among fixed options; its id is also its test id. */
function Choice<T extends string>({ id, label, value, options, onChoose }: { id: string; label: string; value: T; options: ReadonlyArray<[T, string]>; onChoose: (value: T) => void }) {
  return (
    <SelectField id={id} label={label} value={value} data-testid={id} onChange={(event) => onChoose(event.target.value as T)}>
      {options.map(([option, text]) => (
        <option key={option} value={option}>
          {text}
        </option>
      ))}
    </SelectField>
  );
}

/** The users list's filters: the choices apply at once, the address when searched. */
export function UserFilters({ onChange }: { onChange: (filters: Filters) => void }) {
  const [chosen, setChosen] = useState<{ role: Role; status: Status; lastSignIn: LastSignIn; email: string }>({ role: '', status: '', lastSignIn: 'any', email: '' });

  const apply = (next: typeof chosen) => {
    onChange({
      ...(next.role ? { role: next.role } : {}),
      ...(next.status ? { status: next.status } : {}),
      ...(next.email.trim() ? { email: next.email.trim() } : {}),
      ...lastSignInBounds[next.lastSignIn](),
    });
  };
  const choose = (change: Partial<typeof chosen>) => {
    const next = { ...chosen, ...change };
    setChosen(next);
    apply(next);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    apply(chosen);
  };

  return (
    <form className="filters user-filters" role="search" aria-label="Filter users" onSubmit={search} data-testid="user-filters">
      <Choice id="user-filter-role" label="Role" value={chosen.role} options={roleOptions} onChoose={(role) => choose({ role })} />
      <Choice id="user-filter-status" label="Status" value={chosen.status} options={statusOptions} onChoose={(status) => choose({ status })} />
      <Choice id="user-filter-last-sign-in" label="Last sign-in" value={chosen.lastSignIn} options={lastSignInOptions} onChoose={(lastSignIn) => choose({ lastSignIn })} />
      <TextField
        id="user-filter-email"
        label="Email contains"
        type="search"
        value={chosen.email}
        maxLength={254}
        data-testid="user-filter-email"
        onChange={(event) => setChosen({ ...chosen, email: event.target.value })}
      />
      <button type="submit" className="button" data-testid="user-filter-submit">
        Search
      </button>
    </form>
  );
}
