import { type ImageOperations, bucketedExpiry, buildOptStuffUrl } from '@shutterlock/url-signer';
import { useEffect, useRef, useState } from 'react';
import { type ImageKey, type ImageProject, listWebFiles } from '../../api/images';
import { useLoader } from '../../app/useLoader';
import { CopyButton } from '../../components/CopyButton';
import { SelectField, TextField } from '../../components/form';

/**
 * A signed URL built in the browser with @shutterlock/url-signer, and the image it answers.
 * The secret is pasted here and kept only in this page's memory: it is never sent anywhere
 * (signing is local). A website signs on its server; this is for trying URLs out.
 */
export function UrlBuilder({ project, keys }: { project: ImageProject; keys: ImageKey[] }) {
  const usable = keys.filter((key) => key.status === 'active' || key.status === 'expiring');
  const [publicKey, setPublicKey] = useState('');
  const [secret, setSecret] = useState('');
  const [source, setSource] = useState('');
  const [width, setWidth] = useState('800');
  const [format, setFormat] = useState('auto');
  const [fit, setFit] = useState('cover');
  const [quality, setQuality] = useState('');
  const [expiresIn, setExpiresIn] = useState(project.requireExpiry ? '3600' : '');
  const [built, setBuilt] = useState<{ url: string } | { problem: string } | null>(null);
  const urlRef = useRef<HTMLElement>(null);
  const chosenKey = publicKey || usable[0]?.publicKey || '';

  useEffect(() => {
    let current = true;
    if (!chosenKey || !secret || !source) {
      setBuilt(null);
      return;
    }
    const operations: ImageOperations = {
      ...(width ? { width: Number(width) } : {}),
      ...(quality ? { quality: Number(quality) } : {}),
      format: format as ImageOperations['format'],
      ...(width ? { fit: fit as ImageOperations['fit'] } : {}),
    };
    buildOptStuffUrl({
      baseUrl: window.location.origin,
      projectSlug: project.slug,
      publicKey: chosenKey,
      secretKey: secret.trim(),
      operations,
      source: source.trim(),
      ...(expiresIn ? { expiresAt: bucketedExpiry(Number(expiresIn)) } : {}),
    }).then(
      (url) => current && setBuilt({ url }),
      (error: unknown) => current && setBuilt({ problem: error instanceof Error ? error.message : 'This URL cannot be built.' }),
    );
    return () => {
      current = false;
    };
  }, [chosenKey, secret, source, width, format, fit, quality, expiresIn, project.slug]);

  return (
    <section className="panel" aria-labelledby="builder-heading">
      <h2 id="builder-heading">URL builder</h2>
      <p className="field-hint">Signing happens in this browser; the secret is not sent or kept.</p>
      <div className="builder-grid">
        <SelectField id="builder-key" label="Key" value={chosenKey} onChange={(event) => setPublicKey(event.target.value)}>
          {usable.map((key) => (
            <option key={key.id} value={key.publicKey}>
              {key.name}
            </option>
          ))}
        </SelectField>
        <TextField id="builder-secret" label="Secret (sk_…)" type="password" autoComplete="off" value={secret} onChange={(event) => setSecret(event.target.value)} />
        <SourceFields source={source} onChange={setSource} />
        <TextField id="builder-width" label="Width" inputMode="numeric" value={width} onChange={(event) => setWidth(event.target.value.replace(/\D/g, ''))} />
        <SelectField id="builder-format" label="Format" value={format} onChange={(event) => setFormat(event.target.value)}>
          {['auto', 'webp', 'avif', 'jpeg', 'png'].map((name) => (
            <option key={name}>{name}</option>
          ))}
        </SelectField>
        <SelectField id="builder-fit" label="Fit" value={fit} onChange={(event) => setFit(event.target.value)}>
          {['cover', 'contain', 'fill', 'inside', 'outside'].map((name) => (
            <option key={name}>{name}</option>
          ))}
        </SelectField>
        <TextField id="builder-quality" label="Quality (1–100)" inputMode="numeric" value={quality} onChange={(event) => setQuality(event.target.value.replace(/\D/g, ''))} />
        <SelectField id="builder-expiry" label="Expires" value={expiresIn} onChange={(event) => setExpiresIn(event.target.value)}>
          {!project.requireExpiry && <option value="">never</option>}
          <option value="3600">in about an hour</option>
          <option value="86400">in about a day</option>
        </SelectField>
      </div>
      {built && 'problem' in built && (
        <p className="form-error" role="alert" data-testid="builder-problem">
          {built.problem}
        </p>
      )}
      {built && 'url' in built && (
        <div className="builder-result">
          <div className="secret-value" role="group" aria-label="Signed URL">
            <code ref={urlRef} data-testid="builder-url">
              {built.url}
            </code>
          </div>
          <CopyButton text={built.url} label="Copy URL" selectTarget={urlRef} />
          <BuilderPreview key={built.url} url={built.url} />
        </div>
      )}
    </section>
  );
}

/**
 * The studio's files marked usable on the web, by their library names: choosing one fills in its
 * `vault:` source. The Source field stays free text, for a remote image (a host the project's
 * source allowlist names) or a source pasted from elsewhere.
 */
function SourceFields({ source, onChange }: { source: string; onChange: (source: string) => void }) {
  const { state } = useLoader(listWebFiles);
  const files = state.status === 'ready' ? state.data.files : [];
  const chosen = files.some((file) => file.source === source.trim()) ? source.trim() : '';
  const hint =
    state.status === 'loading'
      ? 'Loading your published files…'
      : state.status === 'failed'
        ? `Your published files could not be listed (${state.message}); type a source instead.`
        : files.length === 0
          ? 'None of your files is on the web yet: open a photo in the library and choose “Use on a website”. Or type a remote image’s address as host/path.'
          : `Choose one of your files, or type a remote image’s address as host/path.${state.data.truncated ? ' The list shows the latest 500.' : ''}`;
  return (
    <>
      <SelectField
        id="builder-file"
        label="Your file"
        value={chosen}
        aria-describedby="builder-source-hint"
        disabled={files.length === 0}
        onChange={(event) => {
          if (event.target.value) onChange(event.target.value);
        }}
        data-testid="builder-file"
      >
        <option value="">{chosen === '' && source.trim() !== '' ? 'A typed source' : 'Choose a file…'}</option>
        {files.map((file) => (
          <option key={file.fileId} value={file.source}>
            {file.name}
          </option>
        ))}
      </SelectField>
      <TextField id="builder-source" label="Source" placeholder="vault:… or cdn.example.com/photo.jpg" descriptionId="builder-source-hint" value={source} onChange={(event) => onChange(event.target.value)} />
      <p className="field-hint builder-source-hint" id="builder-source-hint" data-testid="builder-source-hint">
        {hint}
      </p>
    </>
  );
}

/**
 * The image the signed URL answers. When it answers an error instead (a mistyped secret, an
 * unknown source), the browser would show only a broken image: the same URL is asked again for
 * the server's explanation, which is shown beside it.
 */
function BuilderPreview({ url }: { url: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  const explain = () => {
    fetch(url, { credentials: 'omit' })
      .then(async (response) => {
        if (response.ok) return setProblem('The image could not be shown in this browser.');
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setProblem(body?.error?.message ?? `The server answered ${response.status}.`);
      })
      .catch(() => setProblem('The image service could not be reached.'));
  };
  return (
    <>
      {problem !== null && (
        <p className="form-error" role="alert" data-testid="builder-preview-problem">
          This URL does not give an image: {problem}
        </p>
      )}
      <img className="builder-preview" src={url} alt="Preview of the signed URL" data-testid="builder-preview" onError={explain} hidden={problem !== null} />
    </>
  );
}
