import { useCallback, useState, type FormEvent } from 'react';
import { createPrintOrder, listAvailableLabs, type AvailableLab, type LineInput, type ShippingAddress } from '../../api/labs';
import { getFile } from '../../api/vault';
import { navigate } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { parseNewPrintOrderQuery, printOrderPath } from './paths';

const ERROR_ID = 'new-print-order-error';

const SHIPPING_FIELDS: ReadonlyArray<[keyof ShippingAddress, string, boolean]> = [
  ['recipientName', 'Recipient', true],
  ['line1', 'Address', true],
  ['line2', 'Address line 2', false],
  ['city', 'City', true],
  ['postalCode', 'Postal code', false],
  ['region', 'Region', false],
  ['country', 'Country', true],
  ['phone', 'Phone', false],
];

const emptyShipping: ShippingAddress = { recipientName: '', line1: '', line2: '', city: '', postalCode: '', region: '', country: '', phone: '' };

type Line = LineInput & { fileName: string };

/** A new print order of the photos selected in the library: a lab, a product per photo, where to ship. Saved as a draft. */
export function NewPrintOrderPage() {
  usePageTitle('New print order');
  const [fileIds] = useState(() => parseNewPrintOrderQuery(window.location.search));
  const load = useCallback(async () => {
    const [labs, files] = await Promise.all([listAvailableLabs(), Promise.all(fileIds.map((id) => getFile(id)))]);
    return { labs, files };
  }, [fileIds]);
  const { state, reload } = useLoader(load);

  return (
    <div className="page page-wide" data-testid="new-print-order">
      <h1 tabIndex={-1}>New print order</h1>
      {fileIds.length === 0 && <p className="page-lead">Select photos in the library first, then choose “Order prints…”.</p>}
      {state.status === 'loading' && <p className="muted">Loading…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && state.data.labs.length === 0 && (
        <p className="notice" data-testid="no-labs">No print lab is enabled for your studio yet. An administrator chooses the labs you can send to.</p>
      )}
      {state.status === 'ready' && state.data.labs.length > 0 && fileIds.length > 0 && (
        <OrderForm labs={state.data.labs} files={state.data.files.map((file) => ({ id: file.id, name: file.name }))} />
      )}
    </div>
  );
}

function OrderForm({ labs, files }: { labs: AvailableLab[]; files: Array<{ id: string; name: string }> }) {
  const [labId, setLabId] = useState(labs[0]?.id ?? '');
  const lab = labs.find((candidate) => candidate.id === labId) ?? labs[0];
  const firstProduct = lab?.catalogue[0];
  const lineFor = (file: { id: string; name: string }, product = firstProduct): Line => ({
    fileId: file.id,
    fileName: file.name,
    sku: product?.sku ?? '',
    finish: product?.finishes[0] ?? null,
    quantity: 1,
    crop: '',
    notes: '',
  });
  const [lines, setLines] = useState<Line[]>(() => files.map((file) => lineFor(file)));
  const [shipping, setShipping] = useState<ShippingAddress>(emptyShipping);
  const [dueDate, setDueDate] = useState('');
  const [notes, setNotes] = useState('');
  const { busy, error, submit } = useSubmission();

  const change = (index: number, changes: Partial<Line>) => setLines((current) => current.map((line, at) => (at === index ? { ...line, ...changes } : line)));

  function chooseLab(id: string) {
    setLabId(id);
    const next = labs.find((candidate) => candidate.id === id);
    setLines((current) => current.map((line) => lineFor({ id: line.fileId, name: line.fileName }, next?.catalogue[0])));
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit(async () => {
      const order = await createPrintOrder({
        labId,
        lines: lines.map(({ fileName: _name, ...line }) => line),
        shipping,
        dueDate: dueDate === '' ? null : dueDate,
        notes,
      });
      navigate(printOrderPath(order.id));
    });
  }

  return (
    <form className="form" onSubmit={handleSubmit} aria-busy={busy}>
      <SelectField id="order-lab" label="Lab" value={labId} onChange={(event) => chooseLab(event.target.value)} data-testid="order-lab">
        {labs.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name} ({candidate.labId})
          </option>
        ))}
      </SelectField>
      <fieldset className="order-lines">
        <legend>Prints</legend>
        {lines.map((line, index) => {
          const product = lab?.catalogue.find((candidate) => candidate.sku === line.sku);
          return (
            <div className="order-line" key={line.fileId} data-testid={`order-line-${index}`}>
              <p className="order-line-file">{line.fileName}</p>
              <SelectField
                id={`line-${index}-product`}
                label="Product"
                value={line.sku}
                onChange={(event) => {
                  const chosen = lab?.catalogue.find((candidate) => candidate.sku === event.target.value);
                  change(index, { sku: event.target.value, finish: chosen?.finishes[0] ?? null });
                }}
              >
                {lab?.catalogue.map((candidate) => (
                  <option key={candidate.sku} value={candidate.sku}>
                    {candidate.name} {candidate.size}
                  </option>
                ))}
              </SelectField>
              {product !== undefined && product.finishes.length > 0 && (
                <SelectField id={`line-${index}-finish`} label="Finish" value={line.finish ?? ''} onChange={(event) => change(index, { finish: event.target.value })}>
                  {product.finishes.map((finish) => (
                    <option key={finish} value={finish}>
                      {finish}
                    </option>
                  ))}
                </SelectField>
              )}
              <TextField
                id={`line-${index}-quantity`}
                label="Quantity"
                type="number"
                min={1}
                max={1000}
                required
                value={line.quantity}
                onChange={(event) => change(index, { quantity: Math.max(1, Math.floor(Number(event.target.value) || 1)) })}
              />
              <TextField id={`line-${index}-crop`} label="Crop" maxLength={200} value={line.crop} onChange={(event) => change(index, { crop: event.target.value })} />
              <TextField id={`line-${index}-notes`} label="Notes" maxLength={1000} value={line.notes} onChange={(event) => change(index, { notes: event.target.value })} />
            </div>
          );
        })}
      </fieldset>
      <fieldset className="order-shipping">
        <legend>Ship to</legend>
        {SHIPPING_FIELDS.map(([field, label, required]) => (
          <TextField
            key={field}
            id={`shipping-${field}`}
            label={label}
            required={required}
            maxLength={200}
            value={shipping[field]}
            onChange={(event) => setShipping((current) => ({ ...current, [field]: event.target.value }))}
          />
        ))}
      </fieldset>
      <TextField id="order-due" label="Due date" type="date" value={dueDate} onChange={(event) => setDueDate(event.target.value)} />
      <TextAreaField id="order-notes" label="Notes for the lab" maxLength={5000} value={notes} onChange={(event) => setNotes(event.target.value)} />
      <SubmitButton busy={busy} label="Save draft" busyLabel="Saving…" testId="order-save" />
      {error !== null && <FormError id={ERROR_ID} message={error} testId="order-error" />}
    </form>
  );
}
