import { useState, type FormEvent } from 'react';
import { createLab, type Lab, type Product } from '../../api/labs';
import { useSubmission } from '../../app/useSubmission';
import { CheckboxField, FormError, SelectField, SubmitButton, TextField } from '../../components/form';
import { CatalogueEditor, cleanCatalogue } from './CatalogueEditor';

const ERROR_ID = 'create-lab-error';

/** Adds a lab; the answer's PIN is handed up to be shown once. */
export function CreateLabForm({ onCreated }: { onCreated: (lab: Lab, pin: string) => void }) {
  const [name, setName] = useState('');
  const [contacts, setContacts] = useState('');
  const [pinLength, setPinLength] = useState(6);
  const [requireDeviceCode, setRequireDeviceCode] = useState(false);
  const [catalogue, setCatalogue] = useState<Product[]>([{ sku: '', name: '', size: '', finishes: [] }]);
  const { busy, error, submit } = useSubmission();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const contactEmails = contacts
        .split(/[,\s]+/)
        .map((email) => email.trim())
        .filter((email) => email !== '');
      const { lab, pin } = await createLab({ name: name.trim(), contactEmails, catalogue: cleanCatalogue(catalogue), pinLength, requireDeviceCode });
      onCreated(lab, pin);
      setName('');
      setContacts('');
      setCatalogue([{ sku: '', name: '', size: '', finishes: [] }]);
    });
  }

  return (
    <section className="panel" aria-labelledby="create-lab-heading">
      <h2 id="create-lab-heading">Add a lab</h2>
      <form className="form" onSubmit={handleSubmit} aria-busy={busy}>
        <TextField id="lab-name" label="Name" required value={name} onChange={(event) => setName(event.target.value)} data-testid="lab-create-name" />
        <TextField
          id="lab-contacts"
          label="Contact emails (comma separated)"
          required
          value={contacts}
          onChange={(event) => setContacts(event.target.value)}
          errorId={error === null ? undefined : ERROR_ID}
          data-testid="lab-create-contacts"
        />
        <SelectField id="lab-pin-length" label="PIN digits" value={pinLength} onChange={(event) => setPinLength(Number(event.target.value))}>
          {[4, 6, 8].map((digits) => (
            <option key={digits} value={digits}>
              {digits}
            </option>
          ))}
        </SelectField>
        <CheckboxField
          id="lab-device-code"
          label="Confirm new devices by email"
          hint="A new device must enter a one-time code sent to the contacts."
          checked={requireDeviceCode}
          onChange={(event) => setRequireDeviceCode(event.target.checked)}
        />
        <CatalogueEditor idPrefix="lab-create" products={catalogue} onChange={setCatalogue} />
        <SubmitButton busy={busy} label="Create lab" busyLabel="Creating…" testId="lab-create-submit" />
      </form>
      {error !== null && <FormError id={ERROR_ID} message={error} testId="lab-create-error" />}
    </section>
  );
}
