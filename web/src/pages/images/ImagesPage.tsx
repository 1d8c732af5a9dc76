import { Suspense, lazy, useCallback, useState } from 'react';
import type { User } from '../../api/auth';
import { type ImageKey, type ImageProject, createProject, deleteProject, getProject, listProjects, updateProject } from '../../api/images';
import { Link, navigate } from '../../app/router';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { CheckboxField, FormError, StatusMessage, TextField } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { AllowlistEditor, allowlistValid } from './AllowlistEditor';
import { entriesOf } from './hostNames';
import { KeysSection } from './KeysSection';
import { type ImagesRoute, IMAGES_PATH, projectPath } from './paths';
import { UrlBuilder } from './UrlBuilder';

// The chart library is loaded only with a project's page.
const UsageCharts = lazy(() => import('./UsageCharts').then((module) => ({ default: module.UsageCharts })));

/** The image service: a studio's projects, and one project's settings, keys, URL builder and usage. */
export function ImagesPage({ user, route }: { user: User; route: ImagesRoute }) {
  if (user.studioId === null) return <p>The image service belongs to a studio, and this account has none.</p>;
  return route.kind === 'list' ? <ProjectsList /> : <ProjectPage key={route.projectId} projectId={route.projectId} />;
}

/** A slug from a project's name: "Crème Brûlée Site" → "creme-brulee-site" (accents dropped, not turned into hyphens). */
function slugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

function ProjectsList() {
  usePageTitle('Image projects');
  const { state, reload } = useLoader(listProjects);
  const [name, setName] = useState('');
  // The slug follows the name as it is typed, until the user writes one of their own (emptying it hands it back to the name).
  const [ownSlug, setOwnSlug] = useState('');
  const slug = ownSlug || slugFrom(name);
  const { busy, error, submit } = useSubmission();
  const create = () =>
    submit(async () => {
      const { project } = await createProject({ name: name.trim(), slug });
      navigate(projectPath(project.id));
    });
  return (
    <section className="page">
      <h1 tabIndex={-1}>Image projects</h1>
      <p className="page-lead">Resized, modern-format images of your published work for your websites, through signed URLs that only your sites can use.</p>
      {state.status === 'failed' && <LoadFailed message={state.message} onRetry={reload} />}
      {state.status === 'ready' && (
        <ul className="link-cards" data-testid="image-projects">
          {state.data.map((project) => (
            <li key={project.id}>
              <Link to={projectPath(project.id)} className="link-card">
                <span className="link-card-title">{project.name}</span>
                <span className="link-card-text">
                  /{project.slug} · {project.sources.length === 0 ? 'own files only' : `${project.sources.length} source host(s)`}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <form
        className="panel"
        aria-labelledby="new-project-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <h2 id="new-project-heading">New project</h2>
        <TextField id="project-name" label="Name" value={name} required maxLength={200} onChange={(event) => setName(event.target.value)} />
        <TextField id="project-slug" label="Slug (in every URL)" value={slug} pattern="[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?" maxLength={64} onChange={(event) => setOwnSlug(event.target.value)} />
        {error && <FormError id="project-error" message={error} testId="project-error" />}
        <button type="submit" className="button button-primary" aria-disabled={busy} data-testid="create-image-project">
          Create project
        </button>
      </form>
    </section>
  );
}

function ProjectSettings({ project, onSaved }: { project: ImageProject; onSaved: (project: ImageProject) => void }) {
  const [referers, setReferers] = useState(project.referers.join('\n'));
  const [sources, setSources] = useState(project.sources.join('\n'));
  const [requireExpiry, setRequireExpiry] = useState(project.requireExpiry);
  const [allowOriginal, setAllowOriginal] = useState(project.allowOriginal);
  const [news, setNews] = useState<string | null>(null);
  const { busy, error, submit } = useSubmission();
  const valid = allowlistValid(referers) && allowlistValid(sources);
  const save = () =>
    submit(async () => {
      const { project: saved } = await updateProject(project.id, { referers: entriesOf(referers), sources: entriesOf(sources), requireExpiry, allowOriginal });
      onSaved(saved);
      setNews('Saved.');
    });
  return (
    <form
      className="panel"
      aria-labelledby="settings-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) void save();
      }}
    >
      <h2 id="settings-heading">Allowlists and rules</h2>
      <AllowlistEditor
        label="Websites (referers)"
        hint="One host per line, *.example.com for its subdomains. Empty: any website may show the images."
        value={referers}
        onChange={setReferers}
        testId="referer-allowlist"
      />
      <AllowlistEditor label="Remote image hosts" hint="Hosts whose images may be transformed. Empty: only your own published files." value={sources} onChange={setSources} testId="source-allowlist" />
      <CheckboxField id="require-expiry" label="Only serve URLs that expire" checked={requireExpiry} onChange={(event) => setRequireExpiry(event.target.checked)} />
      <CheckboxField
        id="allow-original"
        label="Serve originals untouched for “_”"
        hint="Otherwise every image is re-encoded and stripped of its metadata."
        checked={allowOriginal}
        onChange={(event) => setAllowOriginal(event.target.checked)}
      />
      {error && <FormError id="settings-error" message={error} testId="settings-error" />}
      <StatusMessage message={news} />
      <button type="submit" className="button button-primary" aria-disabled={busy || !valid} data-testid="save-image-project">
        Save
      </button>
    </form>
  );
}

function ProjectPage({ projectId }: { projectId: string }) {
  const load = useCallback(() => getProject(projectId), [projectId]);
  const { state, reload, update } = useLoader(load);
  const [keys, setKeys] = useState<ImageKey[]>([]);
  const { error, submit } = useSubmission();
  usePageTitle(state.status === 'ready' ? state.data.name : 'Image project');
  if (state.status === 'loading') return <p role="status">Loading…</p>;
  if (state.status === 'failed') return <LoadFailed message={state.message} onRetry={reload} />;
  const project = state.data;
  const remove = () =>
    submit(async () => {
      if (!window.confirm(`Delete ${project.name}? Its keys go with it and its URLs stop working.`)) return;
      await deleteProject(project.id);
      navigate(IMAGES_PATH);
    });
  return (
    <section className="page">
      <p>
        <Link to={IMAGES_PATH}>All projects</Link>
      </p>
      <h1 tabIndex={-1}>{project.name}</h1>
      <p className="page-lead">
        URLs: <code>{`${window.location.origin}/api/v1/${project.slug}/{operations}/{source}?key=…&sig=…`}</code>
      </p>
      <ProjectSettings project={project} onSaved={(saved) => update(() => saved)} />
      <KeysSection projectId={project.id} onKeys={setKeys} />
      <UrlBuilder project={project} keys={keys} />
      <Suspense fallback={<p role="status">Loading usage…</p>}>
        <UsageCharts projectId={project.id} />
      </Suspense>
      {error && <FormError id="delete-error" message={error} testId="delete-error" />}
      <button type="button" className="button button-danger" onClick={() => void remove()}>
        Delete project
      </button>
    </section>
  );
}
