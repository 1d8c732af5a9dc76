import { Suspense, lazy, useCallback, useState } from 'react';
import type { User } from '../../api/auth';
import type { WatermarkPosition } from '../../api/deliveries';
import {
  type CollectionWatermark,
  type PortfolioCollection,
  type PortfolioProfile,
  type SiteToken,
  createCollection,
  createSiteToken,
  deleteCollection,
  getProfile,
  listCollections,
  listSiteTokens,
  publishPhotos,
  reorderCollection,
  revokeSiteToken,
  rotateSiteToken,
  saveProfile,
  unpublishPhotos,
  updateCollection,
} from '../../api/portfolio';
import { type FileView, listFiles } from '../../api/vault';
import { Link } from '../../app/router';
import { useCan } from '../../app/permissions';
import { RoleNote } from '../../app/RoleGate';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { CopyButton } from '../../components/CopyButton';
import { CheckboxField, FormError, SelectField, StatusMessage, TextAreaField, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatDateTime } from '../../lib/format';
import { PORTFOLIO_ANALYTICS_PATH, type PortfolioRoute } from './paths';
import './portfolio.css';

// Chart.js loads only with the dashboard.
const AnalyticsDashboard = lazy(() => import('./AnalyticsDashboard').then((module) => ({ default: module.AnalyticsDashboard })));

/** The photographer's public portfolio: profile, collections (publish, reorder, covers), website tokens; and the analytics dashboard. */
export function PortfolioPage({ user, route }: { user: User; route: PortfolioRoute }) {
  if (route.kind === 'analytics') {
    return (
      <Suspense fallback={<p role="status">Loading…</p>}>
        <AnalyticsDashboard isAdmin={user.role === 'admin'} />
      </Suspense>
    );
  }
  if (user.studioId === null) return <p>Portfolios belong to a studio, and this account has none.</p>;
  return <ManagePortfolio />;
}

function ManagePortfolio() {
  usePageTitle('Portfolio');
  const { state, reload, update } = useLoader(getProfile);
  if (state.status === 'loading') return <p role="status">Loading…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const profile = state.data;
  return (
    <section className="page">
      <h1 tabIndex={-1}>Portfolio</h1>
      <p className="page-lead">
        Your public site: collections of published photos, served resized and without their metadata. Publishing copies nothing; unpublishing takes
        effect at once.
      </p>
      {profile && (
        <p>
          Public page:{' '}
          <a href={profile.url} target="_blank" rel="noopener" data-testid="portfolio-public-link">
            {profile.url}
          </a>
          {profile.hostUrl && <> · also at {profile.hostUrl}</>} · <Link to={PORTFOLIO_ANALYTICS_PATH}>Analytics</Link>
        </p>
      )}
      <ProfileForm profile={profile} onSaved={(saved) => update(() => saved)} />
      {profile && <CollectionsSection profile={profile} />}
      {profile && <SiteTokensSection />}
    </section>
  );
}

function linksText(profile: PortfolioProfile | null): string {
  return (profile?.socialLinks ?? []).map((link) => `${link.label} ${link.url}`).join('\n');
}

function parseLinks(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return at === -1 ? { label: line, url: line } : { label: line.slice(0, at).trim(), url: line.slice(at + 1) };
    });
}

function ProfileForm({ profile, onSaved }: { profile: PortfolioProfile | null; onSaved: (profile: PortfolioProfile) => void }) {
  const [slug, setSlug] = useState(profile?.slug ?? '');
  const [displayName, setDisplayName] = useState(profile?.displayName ?? '');
  const [bio, setBio] = useState(profile?.bio ?? '');
  const [contactUrl, setContactUrl] = useState(profile?.contactUrl ?? '');
  const [links, setLinks] = useState(linksText(profile));
  const [hidden, setHidden] = useState(profile?.hideFromSearch ?? false);
  const [news, setNews] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();
  const save = () =>
    submit(async () => {
      const saved = await saveProfile({ slug, displayName, bio, contactUrl: contactUrl.trim() === '' ? null : contactUrl.trim(), socialLinks: parseLinks(links), hideFromSearch: hidden });
      onSaved(saved);
      setNews('Saved.');
    });
  return (
    <form
      className="panel"
      aria-labelledby="profile-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2 id="profile-heading">Profile</h2>
      <TextField id="portfolio-slug" label="Address (/p/…)" value={slug} required pattern="[a-z0-9](?:[a-z0-9\-]{0,38}[a-z0-9])?" maxLength={40} onChange={(event) => setSlug(event.target.value)} />
      <TextField id="portfolio-name" label="Display name" value={displayName} required maxLength={120} onChange={(event) => setDisplayName(event.target.value)} />
      <TextAreaField id="portfolio-bio" label="Bio" value={bio} maxLength={2000} rows={3} onChange={(event) => setBio(event.target.value)} />
      <TextField id="portfolio-contact" label="Contact link (https:// or mailto:)" value={contactUrl} maxLength={500} onChange={(event) => setContactUrl(event.target.value)} />
      <TextAreaField id="portfolio-links" label="Social links, one per line: label and address" value={links} rows={3} onChange={(event) => setLinks(event.target.value)} />
      <CheckboxField id="portfolio-hidden" label="Hide from search engines" hint="robots.txt, the sitemap and the pages ask crawlers to stay away." checked={hidden} onChange={(event) => setHidden(event.target.checked)} />
      {error && <FormError id="profile-error" message={error} testId="profile-error" />}
      <StatusMessage message={news} testId="profile-saved" />
      <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="save-portfolio-profile">
        {profile ? 'Save profile' : 'Create portfolio'}
      </button>
    </form>
  );
}

function CollectionsSection({ profile }: { profile: PortfolioProfile }) {
  const { state, reload, update } = useLoader(listCollections);
  const [title, setTitle] = useState('');
  const { busy, error, submit } = useSubmission();
  const create = () =>
    submit(async () => {
      const created = await createCollection(title.trim(), '');
      update((collections) => [...collections, created]);
      setTitle('');
    });
  const replace = (collection: PortfolioCollection) => update((collections) => collections.map((entry) => (entry.id === collection.id ? collection : entry)));
  return (
    <section aria-labelledby="collections-heading">
      <h2 id="collections-heading">Collections</h2>
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' &&
        state.data.map((collection) => (
          <CollectionPanel key={collection.id} profile={profile} collection={collection} onChange={replace} onDeleted={() => update((collections) => collections.filter((entry) => entry.id !== collection.id))} />
        ))}
      <form
        className="panel"
        aria-labelledby="new-collection-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h3 id="new-collection-heading">New collection</h3>
        <TextField id="collection-title" label="Title" value={title} required maxLength={120} onChange={(event) => setTitle(event.target.value)} />
        {error && <FormError id="collection-error" message={error} testId="collection-error" />}
        <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="create-collection">
          Create collection
        </button>
      </form>
    </section>
  );
}

function moved<T>(items: T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

function CollectionPanel({ profile, collection, onChange, onDeleted }: { profile: PortfolioProfile; collection: PortfolioCollection; onChange: (collection: PortfolioCollection) => void; onDeleted: () => void }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dragging, setDragging] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const { busy, error, submit } = useSubmission();
  // Deleting a collection is deletion, which an editor's role does not have.
  const canDelete = useCan('delete');
  const photos = collection.photos;
  const reorder = (from: number, to: number) => {
    if (to < 0 || to >= photos.length || from === to) return;
    void submit(async () => onChange(await reorderCollection(collection.id, moved(photos, from, to).map((photo) => photo.id))));
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const unpublish = () =>
    submit(async () => {
      await unpublishPhotos(collection.id, [...selected]);
      onChange({ ...collection, photos: photos.filter((photo) => !selected.has(photo.id)), coverPhotoId: collection.coverPhotoId && selected.has(collection.coverPhotoId) ? null : collection.coverPhotoId });
      setSelected(new Set());
    });
  const remove = () =>
    submit(async () => {
      if (!window.confirm(`Delete ${collection.title}? Its photos are unpublished (the library keeps them).`)) return;
      await deleteCollection(collection.id);
      onDeleted();
    });
  return (
    <section className="panel" aria-labelledby={`collection-${collection.id}`} data-testid="portfolio-collection">
      <h3 id={`collection-${collection.id}`}>{collection.title}</h3>
      <p>
        <a href={collection.url} target="_blank" rel="noopener">
          {collection.url}
        </a>{' '}
        · {photos.length} photo{photos.length === 1 ? '' : 's'}
      </p>
      {photos.length > 0 && (
        <ul className="portfolio-grid" aria-label={`Photos of ${collection.title}, in order`}>
          {photos.map((photo, index) => (
            <li
              key={photo.id}
              className={`portfolio-tile${dragging === index ? ' is-dragging' : ''}${collection.coverPhotoId === photo.id ? ' is-cover' : ''}`}
              draggable
              onDragStart={() => setDragging(index)}
              onDragEnd={() => setDragging(null)}
              onDragOver={(event) => event.preventDefault()}
              onDrop={(event) => {
                event.preventDefault();
                if (dragging !== null) reorder(dragging, index);
                setDragging(null);
              }}
              data-testid="portfolio-photo"
            >
              <img src={photo.thumbnailUrl} alt={photo.alt || `Photo ${index + 1}`} width={photo.width} height={photo.height} loading="lazy" />
              <label className="portfolio-select">
                <input type="checkbox" checked={selected.has(photo.id)} onChange={() => toggle(photo.id)} />
                Select photo {index + 1}
              </label>
              <div className="portfolio-tile-actions">
                <button type="button" className="button button-secondary button-small" aria-label={`Move photo ${index + 1} earlier`} disabled={index === 0 || busy} onClick={() => reorder(index, index - 1)}>
                  ←
                </button>
                <button type="button" className="button button-secondary button-small" aria-label={`Move photo ${index + 1} later`} disabled={index === photos.length - 1 || busy} onClick={() => reorder(index, index + 1)}>
                  →
                </button>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  aria-pressed={collection.coverPhotoId === photo.id}
                  onClick={() => void submit(async () => onChange(await updateCollection(collection.id, { coverPhotoId: photo.id })))}
                >
                  Cover
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="panel-actions">
        {photos.length > 0 && (
          <button type="button" className="button button-secondary" disabled={selected.size === 0 || busy} onClick={() => void unpublish()} data-testid="unpublish-selected">
            Unpublish {selected.size > 0 ? selected.size : ''} selected
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={() => setAdding((open) => !open)} aria-expanded={adding} data-testid="add-photos">
          Add photos
        </button>
        {canDelete && (
          <button type="button" className="button button-danger" onClick={() => void remove()}>
            Delete collection
          </button>
        )}
      </div>
      <RoleNote permissions={['delete']} cannot="delete collections" testId="collection-role-note" />
      {error && <FormError id={`collection-error-${collection.id}`} message={error} testId="collection-panel-error" />}
      <WatermarkForm collection={collection} onChange={onChange} />
      {adding && (
        <FilePicker
          profile={profile}
          exclude={new Set(photos.map((photo) => photo.fileId))}
          onPublish={async (fileIds) => {
            onChange(await publishPhotos(collection.id, fileIds));
            setAdding(false);
          }}
        />
      )}
    </section>
  );
}

const watermarkPositions: Array<[WatermarkPosition, string]> = [
  ['bottom-right', 'Bottom right'],
  ['bottom', 'Bottom'],
  ['bottom-left', 'Bottom left'],
  ['center', 'Centre'],
  ['top-right', 'Top right'],
  ['top', 'Top'],
  ['top-left', 'Top left'],
  ['right', 'Right'],
  ['left', 'Left'],
];

/** The collection's visible watermark: drawn on every photo visitors see (and the website API serves), shown at once when saved or removed. */
function WatermarkForm({ collection, onChange }: { collection: PortfolioCollection; onChange: (collection: PortfolioCollection) => void }) {
  const current = collection.watermark;
  const [draft, setDraft] = useState<CollectionWatermark>(current ?? { text: '', position: 'bottom-right', opacity: 0.6 });
  const [status, setStatus] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();
  const id = `watermark-${collection.id}`;
  const chosen = draft.text.trim() !== '' || draft.logo === true;
  const save = (watermark: CollectionWatermark | null) =>
    submit(async () => {
      const saved = await updateCollection(collection.id, { watermark });
      onChange(saved);
      setStatus(watermark ? 'Watermark saved: visitors see it from now on.' : 'Watermark removed.');
    });
  return (
    <form
      className="portfolio-watermark"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        const { logo, ...drawn } = draft;
        void save({ ...drawn, text: drawn.text.trim(), ...(logo === true && { logo }) });
      }}
      data-testid="collection-watermark"
    >
      <h4 id={`${id}-heading`}>Watermark {current ? '(on)' : '(off)'}</h4>
      <TextField id={`${id}-text`} label="Text" value={draft.text} required maxLength={80} onChange={(event) => setDraft({ ...draft, text: event.target.value })} />
      <CheckboxField
        id={`${id}-logo`}
        label="Use the studio’s logo"
        hint="From your branding; the text is drawn while the studio has no logo."
        checked={draft.logo === true}
        onChange={(event) => setDraft({ ...draft, logo: event.target.checked })}
      />
      {/* Where and how strongly only mean something once there is a watermark to draw. */}
      {chosen && (
        <>
          <SelectField id={`${id}-position`} label="Position" value={draft.position} onChange={(event) => setDraft({ ...draft, position: event.target.value as WatermarkPosition })}>
            {watermarkPositions.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <TextField
            id={`${id}-opacity`}
            label="Opacity (%)"
            type="number"
            min={5}
            max={100}
            step={5}
            value={String(Math.round(draft.opacity * 100))}
            onChange={(event) => setDraft({ ...draft, opacity: Math.min(1, Math.max(0.05, Number(event.target.value) / 100 || 0.05)) })}
          />
        </>
      )}
      {error && <FormError id={`${id}-error`} message={error} testId="watermark-error" />}
      <StatusMessage message={status} testId="watermark-status" />
      <div className="panel-actions">
        <button type="submit" className="button button-secondary" aria-disabled={busy} data-testid="save-watermark">
          Save watermark
        </button>
        {current && (
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void save(null)} data-testid="remove-watermark">
            Remove watermark
          </button>
        )}
      </div>
    </form>
  );
}

/** Choose library photos, preview them as the public grid will show them, then publish. */
function FilePicker({ profile, exclude, onPublish }: { profile: PortfolioProfile; exclude: Set<string>; onPublish: (fileIds: string[]) => Promise<void> }) {
  const load = useCallback(() => listFiles({ sort: 'uploaded', order: 'desc', limit: 100 }).then((page) => page.files), []);
  const { state, reload } = useLoader(load);
  const [chosen, setChosen] = useState<string[]>([]);
  const { busy, error, submit } = useSubmission();
  if (state.status === 'loading') return <p role="status">Loading your library…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const files = state.data.filter((file: FileView) => !exclude.has(file.id) && file.type.startsWith('image/'));
  const toggle = (id: string) => setChosen((current) => (current.includes(id) ? current.filter((entry) => entry !== id) : [...current, id]));
  const preview = files.filter((file) => chosen.includes(file.id));
  return (
    <div>
      <h4>Your library</h4>
      {files.length === 0 && <p>No photos to add: upload some to the library first.</p>}
      <ul className="portfolio-grid" aria-label="Library photos">
        {files.map((file) => (
          <li key={file.id} className="portfolio-tile">
            {file.thumbnailUrl ? <img src={file.thumbnailUrl} alt="" /> : <span>{file.name}</span>}
            <label className="portfolio-select">
              <input type="checkbox" checked={chosen.includes(file.id)} onChange={() => toggle(file.id)} data-testid="choose-file" />
              {file.name}
            </label>
          </li>
        ))}
      </ul>
      {preview.length > 0 && (
        <div className="portfolio-preview" aria-labelledby="preview-heading" role="region">
          <h4 id="preview-heading">Preview: as {profile.displayName}’s public grid will show them</h4>
          <ul className="portfolio-grid">
            {preview.map((file) => (
              <li key={file.id}>{(file.previewUrl ?? file.thumbnailUrl) && <img src={file.previewUrl ?? file.thumbnailUrl ?? ''} alt={file.name} />}</li>
            ))}
          </ul>
          <p>Published photos are served resized, as AVIF, WebP or JPEG, with camera data and location removed.</p>
        </div>
      )}
      {error && <FormError id="publish-error" message={error} testId="publish-error" />}
      <button type="button" className="button button-primary" disabled={chosen.length === 0 || busy} onClick={() => void submit(() => onPublish(chosen))} data-testid="publish-chosen">
        Publish {chosen.length} photo{chosen.length === 1 ? '' : 's'}
      </button>
    </div>
  );
}

function SiteTokensSection() {
  const { state, reload, update } = useLoader(listSiteTokens);
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();
  const upsert = (tokens: SiteToken[]) =>
    update((current) => {
      const byId = new Map(current.map((token) => [token.id, token]));
      for (const token of tokens) byId.set(token.id, token);
      return [...byId.values()];
    });
  return (
    <section className="panel" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Website data API</h2>
      <p>
        Tokens let your own website read your published collections from <code>/api/site/v1</code>. Each is shown once.
      </p>
      {shown && (
        <div className="notice notice-important" data-testid="site-token-shown">
          <p>
            <strong>This is the only time the token is shown.</strong> Keep it in your website’s server configuration.
          </p>
          <code data-testid="site-token-secret">{shown}</code> <CopyButton text={shown} label="Copy token" testId="copy-site-token" />
          <button type="button" className="button button-secondary button-small" onClick={() => setShown(null)}>
            I have copied it
          </button>
        </div>
      )}
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && state.data.length > 0 && (
        <table className="portfolio-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Origins</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.origins.join(', ') || 'servers only'}</td>
                <td>
                  {token.status}
                  {token.expiresAt && ` until ${formatDateTime(token.expiresAt)}`}
                </td>
                <td>
                  {(token.status === 'active' || token.status === 'expiring') && (
                    <>
                      <button
                        type="button"
                        className="button button-secondary button-small"
                        onClick={() =>
                          void submit(async () => {
                            const rotated = await rotateSiteToken(token.id, 24);
                            upsert([rotated.previous, rotated.token]);
                            setShown(rotated.secret);
                          })
                        }
                      >
                        Rotate (24 h overlap)
                      </button>{' '}
                      <button
                        type="button"
                        className="button button-danger button-small"
                        onClick={() =>
                          void submit(async () => {
                            const revoked = await revokeSiteToken(token.id);
                            upsert([revoked.token]);
                          })
                        }
                      >
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit(async () => {
            const created = await createSiteToken(
              name.trim(),
              origins
                .split(/\s+/)
                .map((origin) => origin.trim())
                .filter(Boolean),
            );
            upsert([created.token]);
            setShown(created.secret);
            setName('');
            setOrigins('');
          });
        }}
      >
        <TextField id="token-name" label="Token name" value={name} required maxLength={80} onChange={(event) => setName(event.target.value)} />
        <TextAreaField id="token-origins" label="Browser origins allowed (CORS), one per line, e.g. https://www.example.com" value={origins} rows={2} onChange={(event) => setOrigins(event.target.value)} />
        {error && <FormError id="token-error" message={error} testId="token-error" />}
        <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="create-site-token">
          Create token
        </button>
      </form>
    </section>
  );
}

