import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { User } from '../../api/auth';
import { deleteStudioLogo, getStudioBranding, studioLogoUrl, textOnAccent, updateStudioBranding, uploadStudioLogo, type StudioBranding } from '../../api/branding';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, StatusMessage, SubmitButton, TextAreaField, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';

export const BRANDING_PATH = '/branding';

const DEFAULT_ACCENT = '#1f5f5b';

/**
 * `/branding`: what the studio's clients see — its name, logo, accent colour, contact details
 * and signature, on the delivery page and in every email — with a preview of both.
 */
export function BrandingPage({ user }: { user: User }) {
  usePageTitle('Branding');
  const { state, update } = useLoader(getStudioBranding);
  if (user.studioId === null) {
    return (
      <section className="page">
        <h1 tabIndex={-1}>Branding</h1>
        <p className="page-lead">Branding belongs to a studio, and your account isn’t part of one.</p>
      </section>
    );
  }
  return (
    <section className="page" aria-labelledby="branding-heading" data-testid="branding-page">
      <h1 id="branding-heading" tabIndex={-1}>
        Branding
      </h1>
      <p className="page-lead">What your clients see: on the page their link opens, and in every email they get from you.</p>
      {state.status === 'loading' && <p role="status">Loading…</p>}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={() => window.location.reload()} />}
      {state.status === 'ready' && <BrandingEditor branding={state.data} onSaved={(next) => update(() => next)} />}
    </section>
  );
}

function BrandingEditor({ branding, onSaved }: { branding: StudioBranding; onSaved: (branding: StudioBranding) => void }) {
  const [name, setName] = useState(branding.customName ? branding.name : '');
  const [accent, setAccent] = useState(branding.accentColor ?? '');
  const [contactEmail, setContactEmail] = useState(branding.contactEmail ?? '');
  const [contactPhone, setContactPhone] = useState(branding.contactPhone ?? '');
  const [website, setWebsite] = useState(branding.website ?? '');
  const [signature, setSignature] = useState(branding.signature ?? '');
  const [status, setStatus] = useState<string | null>(null);
  const save = useSubmission();
  const logo = useSubmission();
  const fileRef = useRef<HTMLInputElement>(null);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus(null);
    void save.submit(async () => {
      const next = await updateStudioBranding({
        name: name.trim() === '' ? null : name,
        accentColor: accent === '' ? null : accent,
        contactEmail: contactEmail.trim() === '' ? null : contactEmail.trim(),
        contactPhone: contactPhone.trim() === '' ? null : contactPhone,
        website: website.trim() === '' ? null : website.trim(),
        signature: signature.trim() === '' ? null : signature,
      });
      onSaved(next);
      setStatus('Saved. Your clients see it from now on.');
    });
  }

  function handleLogo(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    setStatus(null);
    void logo.submit(async () => {
      try {
        onSaved(await uploadStudioLogo(file));
        setStatus('Logo uploaded.');
      } finally {
        if (fileRef.current) fileRef.current.value = '';
      }
    });
  }

  function removeLogo() {
    setStatus(null);
    void logo.submit(async () => {
      onSaved(await deleteStudioLogo());
      setStatus('Logo removed.');
    });
  }

  const preview = {
    name: name.trim() === '' ? (branding.customName ? 'Photography studio' : branding.name) : name.trim(),
    accent: /^#[0-9a-fA-F]{6}$/.test(accent) ? accent : DEFAULT_ACCENT,
  };

  return (
    <div className="stack">
      <form onSubmit={handleSubmit} aria-busy={save.busy} noValidate className="card" data-testid="branding-form">
        <h2>Studio details</h2>
        <TextField id="branding-name" label="Studio name" value={name} onChange={(event) => setName(event.target.value)} maxLength={100} placeholder={branding.name} data-testid="branding-name" />
        <div className="field">
          <label className="field-label" htmlFor="branding-accent">
            Accent colour
          </label>
          <div className="branding-logo-row">
            <input
              id="branding-accent"
              type="color"
              className="field-color"
              value={/^#[0-9a-fA-F]{6}$/.test(accent) ? accent : DEFAULT_ACCENT}
              onChange={(event) => setAccent(event.target.value)}
              data-testid="branding-accent"
            />
            <button type="button" className="button button-secondary button-small" onClick={() => setAccent('')}>
              Use the default
            </button>
          </div>
        </div>
        <TextField id="branding-email" label="Contact email" type="email" value={contactEmail} onChange={(event) => setContactEmail(event.target.value)} maxLength={254} />
        <TextField id="branding-phone" label="Phone" type="tel" value={contactPhone} onChange={(event) => setContactPhone(event.target.value)} maxLength={40} />
        <TextField id="branding-website" label="Website" type="url" value={website} onChange={(event) => setWebsite(event.target.value)} maxLength={300} placeholder="https://" />
        <TextAreaField id="branding-signature" label="Signature (under every email)" value={signature} onChange={(event) => setSignature(event.target.value)} maxLength={500} rows={3} />
        {save.error !== null && <FormError id="branding-error" message={save.error} testId="branding-error" />}
        <SubmitButton busy={save.busy} label="Save" busyLabel="Saving…" testId="branding-save" />
      </form>

      <section className="card" aria-labelledby="branding-logo-heading">
        <h2 id="branding-logo-heading">Logo</h2>
        <p className="field-hint">PNG, JPEG or WebP, at most 5 MB. It is shown at most 800 pixels wide.</p>
        <div className="branding-logo-row">
          {branding.logo !== null && <img className="branding-logo-thumb" src={studioLogoUrl(branding.logo.version)} alt="Your current logo" data-testid="branding-logo" />}
          <label className="button button-secondary" htmlFor="branding-logo-file">
            {branding.logo === null ? 'Upload a logo' : 'Replace the logo'}
          </label>
          <input id="branding-logo-file" ref={fileRef} type="file" accept="image/png,image/jpeg,image/webp" className="visually-hidden" onChange={handleLogo} data-testid="branding-logo-file" />
          {branding.logo !== null && (
            <button type="button" className="button button-secondary" onClick={removeLogo} aria-disabled={logo.busy}>
              Remove
            </button>
          )}
        </div>
        {logo.busy && <p role="status">Uploading…</p>}
        {logo.error !== null && <FormError id="branding-logo-error" message={logo.error} testId="branding-logo-error" />}
      </section>

      <StatusMessage message={status} testId="branding-status" />

      <section className="card" aria-labelledby="branding-preview-heading">
        <h2 id="branding-preview-heading">Preview</h2>
        <Preview branding={branding} name={preview.name} accent={preview.accent} signature={signature} contact={[contactEmail, contactPhone].filter((line) => line.trim() !== '')} />
      </section>
    </div>
  );
}

/** How the client's page and emails open, with the accent set through the CSSOM (the CSP allows no inline style). */
function Preview({ branding, name, accent, signature, contact }: { branding: StudioBranding; name: string; accent: string; signature: string; contact: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    element.style.setProperty('--color-brand', accent);
    element.style.setProperty('--color-accent', accent);
    element.style.setProperty('--color-accent-hover', accent);
    element.style.setProperty('--color-on-accent', textOnAccent(accent));
  }, [accent]);
  return (
    <div className="branding-preview" ref={ref} data-testid="branding-preview" role="group" aria-label="Preview of your client’s page">
      <div className="branding-preview-header">
        {branding.logo !== null ? <img className="client-logo" src={studioLogoUrl(branding.logo.version)} alt={name} /> : <p className="client-studio">{name}</p>}
      </div>
      <div className="branding-preview-body">
        <p>{name} has shared “Our wedding” with you.</p>
        <span className="button button-primary" aria-hidden="true">
          Open your photos
        </span>
        {signature.trim() !== '' && <p className="client-signature">{signature}</p>}
        {contact.length > 0 && <p className="field-hint">{contact.join(' · ')}</p>}
      </div>
    </div>
  );
}
