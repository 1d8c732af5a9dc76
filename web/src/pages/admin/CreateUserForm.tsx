import { useRef, useState, type FormEvent } from 'react';
import { createUser, type ManagedUser } from '../../api/admin';
import type { Role } from '../../api/auth';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SelectField, StatusMessage, SubmitButton, TextField } from '../../components/form';
import { ROLE_NAMES } from './labels';

const ERROR_ID = 'create-user-error';

/** Adds a user; the server emails them an invitation to sign in. */
export function CreateUserForm({ onCreated }: { onCreated: (user: ManagedUser) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('photographer');
  const [studioName, setStudioName] = useState('');
  const { busy, error, submit } = useSubmission();
  const [status, setStatus] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus(null);
    void submit(async () => {
      const user = await createUser(email.trim(), role, role === 'photographer' && studioName.trim() !== '' ? studioName.trim() : undefined);
      onCreated(user);
      setEmail('');
      setStudioName('');
      setStatus(`Invitation sent to ${user.email}.`);
      emailRef.current?.focus(); // ready for the next one
    });
  }

  return (
    <section className="panel" aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">Add a user</h2>
      <p className="panel-lead" id="create-user-description">
        We’ll email them an invitation to sign in. Photographers work with their studio’s photos; admins can also manage
        users and must use two-factor authentication.
      </p>
      <form className="form form-inline" onSubmit={handleSubmit} aria-busy={busy}>
        <TextField
          id="create-user-email"
          label="Email"
          descriptionId="create-user-description"
          type="email"
          autoComplete="off"
          spellCheck={false}
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          ref={emailRef}
          errorId={error === null ? undefined : ERROR_ID}
          data-testid="admin-create-email"
        />
        <SelectField
          id="create-user-role"
          label="Role"
          value={role}
          onChange={(event) => setRole(event.target.value as Role)}
          data-testid="admin-create-role"
        >
          {(Object.keys(ROLE_NAMES) as Role[]).map((option) => (
            <option key={option} value={option}>
              {ROLE_NAMES[option]}
            </option>
          ))}
        </SelectField>
        {role === 'photographer' && (
          <TextField
            id="create-user-studio"
            label="Studio name (what their clients see)"
            autoComplete="off"
            maxLength={200}
            placeholder="Photography studio"
            value={studioName}
            onChange={(event) => setStudioName(event.target.value)}
            data-testid="admin-create-studio"
          />
        )}
        <SubmitButton busy={busy} label="Send invitation" busyLabel="Sending…" testId="admin-create-submit" />
      </form>
      {error !== null && <FormError id={ERROR_ID} message={error} testId="create-user-error" />}
      <StatusMessage message={status} testId="create-user-status" />
    </section>
  );
}
