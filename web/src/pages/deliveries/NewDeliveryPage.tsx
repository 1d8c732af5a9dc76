import { useState, type FormEvent } from 'react';
import { messageForPeople } from '../../api/client';
import { createDelivery, type Delivery, type DeliveryAccess, type DeliveryContents } from '../../api/deliveries';
import { setDeliveryProofing } from '../../api/proofing';
import { listAlbums, type Album } from '../../api/vault';
import { Link } from '../../app/router';
import { useFocusOnMount } from '../../app/useFocusOnMount';
import { useLoader } from '../../app/useLoader';
import { usePageTitle } from '../../app/usePageTitle';
import { useSubmission } from '../../app/useSubmission';
import { FormError, SelectField, SubmitButton } from '../../components/form';
import { LoadFailed } from '../../components/LoadFailed';
import { formatBytes, formatDateTime, listOfPeople, pluralize } from '../../lib/format';
import { LIBRARY_PATH } from '../vault/paths';
import { DELIVERIES_PATH, deliveryPath, parseNewDeliveryQuery } from './paths';
import {
  checkSettings,
  DEFAULT_EXPIRY_DAYS,
  daysFromToday,
  EMPTY_DRAFT,
  endOfDay,
  expiryProblem,
  type Problems,
  type SettingsDraft,
  type SettingsField,
} from './settings';
import { PhotoPicker } from './PhotoPicker';
import { parseProofingLimit, PROOFING_LIMIT_PROBLEM, ProofingFields } from './ProofingSection';
import { ExpiryDateField, SettingsFields } from './SettingsFields';
import { ShownOnce } from './ShownOnce';

const ID_PREFIX = 'new-delivery';
const ERROR_ID = 'new-delivery-error';
/** The form's fields in page order, so the first with a problem takes focus. */
const FIELD_IDS: Array<[SettingsField, string]> = [
  ['title', `${ID_PREFIX}-title`],
  ['recipients', `${ID_PREFIX}-recipients`],
  ['expiresOn', `${ID_PREFIX}-expires`],
  ['downloadLimit', `${ID_PREFIX}-limit`],
];

/**
 * A new delivery of the photos chosen in the library (`?files=id,id`) or of an album
 * (`?album=id`); with neither (or on "Choose others"), the photos or the album are chosen
 * here. Once created, the link and the code are shown, this once.
 */
/** A delivery just made, with what became of proofing when it was asked for (null when it was not). */
interface CreatedDelivery {
  delivery: Delivery;
  access: DeliveryAccess;
  proofing: { favouriteLimit: number | null } | { problem: string } | null;
}

export function NewDeliveryPage() {
  const [created, setCreated] = useState<CreatedDelivery | null>(null);
  usePageTitle(created === null ? 'New delivery' : 'Delivery created');
  return (
    <div className="page" data-testid="new-delivery-page">
      {created === null ? <NewDeliveryForm onCreated={setCreated} /> : <Created created={created} />}
    </div>
  );
}

function NewDeliveryForm({ onCreated }: { onCreated: (created: CreatedDelivery) => void }) {
  const [chosen] = useState(() => parseNewDeliveryQuery(window.location.search));
  const albums = useLoader(listAlbums);
  const albumList = albums.state.status === 'ready' ? albums.state.data : null;
  // Chosen in the library already, the contents are summed up; "Choose others" (or arriving with nothing chosen) opens the picker here.
  const [choosing, setChoosing] = useState(chosen === null);
  const [kind, setKind] = useState<ContentsKind>(chosen !== null && 'albumId' in chosen ? 'album' : 'photos');
  const [pickedFiles, setPickedFiles] = useState<ReadonlySet<string>>(() => new Set(chosen !== null && 'fileIds' in chosen ? chosen.fileIds : []));
  const [pickedAlbumId, setPickedAlbumId] = useState(chosen !== null && 'albumId' in chosen ? chosen.albumId : '');
  const [draft, setDraft] = useState<SettingsDraft>(EMPTY_DRAFT);
  const [expiresOn, setExpiresOn] = useState(() => daysFromToday(DEFAULT_EXPIRY_DAYS));
  const [problems, setProblems] = useState<Problems>({});
  const [proofingOn, setProofingOn] = useState(false);
  const [proofingLimit, setProofingLimit] = useState('');
  const { busy, error, submit, fail } = useSubmission();
  const titleRef = useFocusOnMount<HTMLInputElement>();

  const pickedAlbumIdOrFirst = pickedAlbumId || (albumList?.[0]?.id ?? '');
  const contents: DeliveryContents | null =
    kind === 'album' ? (pickedAlbumIdOrFirst === '' ? null : { albumId: pickedAlbumIdOrFirst }) : pickedFiles.size === 0 ? null : { fileIds: [...pickedFiles] };

  function change(update: Partial<SettingsDraft>) {
    setDraft((current) => ({ ...current, ...update }));
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkSettings(draft);
    const expiry = expiryProblem(expiresOn);
    const found: Problems = { ...('problems' in checked ? checked.problems : {}), ...(expiry === null ? {} : { expiresOn: expiry }) };
    setProblems(found);
    const firstProblem = FIELD_IDS.find(([field]) => found[field] !== undefined);
    if (firstProblem !== undefined || !('settings' in checked)) {
      if (firstProblem !== undefined) document.getElementById(firstProblem[1])?.focus();
      return;
    }
    if (contents === null) {
      fail(kind === 'album' ? 'Choose the album to deliver first.' : 'Choose the photos to deliver first: tick them above.');
      return;
    }
    const favouriteLimit = proofingOn ? parseProofingLimit(proofingLimit) : null;
    if (favouriteLimit === undefined) {
      fail(PROOFING_LIMIT_PROBLEM);
      document.getElementById(`${ID_PREFIX}-proofing-limit`)?.focus();
      return;
    }
    const expiresAt = endOfDay(expiresOn) ?? '';
    void submit(async () => {
      const { delivery, access } = await createDelivery(contents, { ...checked.settings, expiresAt });
      // Proofing is the delivery's own setting, a second call: the delivery exists either way,
      // so a refusal here is told on the created page, not as a failed creation.
      const proofing = proofingOn
        ? await setDeliveryProofing(delivery.id, true, favouriteLimit).then(
            ({ proofing: saved }) => ({ favouriteLimit: saved.favouriteLimit }),
            (failure: unknown) => ({ problem: messageForPeople(failure) }),
          )
        : null;
      onCreated({ delivery, access, proofing });
    });
  }

  return (
    <>
      <p className="page-eyebrow">Deliveries</p>
      <h1 tabIndex={-1}>New delivery</h1>
      <p className="page-lead">
        Your client gets a link and, separately, a code: the link alone opens nothing. You’ll see everything they do with it.
      </p>
      <section className="panel" aria-labelledby="delivery-contents-heading">
        <h2 id="delivery-contents-heading">What you’re delivering</h2>
        {choosing ? (
          <ContentsPicker
            kind={kind}
            onKindChange={setKind}
            pickedFiles={pickedFiles}
            onPickFiles={setPickedFiles}
            albums={albumList}
            albumsError={albums.state.status === 'failed' ? albums.state.message : null}
            onRetryAlbums={albums.reload}
            pickedAlbumId={pickedAlbumIdOrFirst}
            onPickAlbum={setPickedAlbumId}
          />
        ) : (
          <ChosenContents
            chosen={chosen}
            albums={albumList}
            albumsError={albums.state.status === 'failed' ? albums.state.message : null}
            onRetryAlbums={albums.reload}
            onChooseOthers={() => setChoosing(true)}
          />
        )}
      </section>
      <form className="form panel" onSubmit={handleSubmit} aria-busy={busy} aria-labelledby="delivery-settings-heading" noValidate>
        <h2 id="delivery-settings-heading">For your client</h2>
        <SettingsFields idPrefix={ID_PREFIX} draft={draft} onChange={change} problems={problems} titleRef={titleRef}>
          <ExpiryDateField
            id={`${ID_PREFIX}-expires`}
            label="Expires on"
            hint="The link works until the end of this day. You can extend it later."
            value={expiresOn}
            onChange={setExpiresOn}
            problem={problems.expiresOn}
          />
        </SettingsFields>
        <ProofingFields idPrefix={`${ID_PREFIX}-proofing`} on={proofingOn} onToggle={setProofingOn} limitText={proofingLimit} onLimitChange={setProofingLimit} />
        {error !== null && <FormError id={ERROR_ID} message={error} testId={ERROR_ID} />}
        <SubmitButton busy={busy} label="Create delivery" busyLabel="Creating…" testId="new-delivery-submit" />
      </form>
    </>
  );
}

type ContentsKind = 'photos' | 'album';

/** What was chosen in the library (photos, or an album), with the way to choose others here. */
function ChosenContents({
  chosen,
  albums,
  albumsError,
  onRetryAlbums,
  onChooseOthers,
}: {
  chosen: DeliveryContents | null;
  albums: Album[] | null;
  albumsError: string | null;
  onRetryAlbums: () => void;
  onChooseOthers: () => void;
}) {
  const chooseOthers = (
    <button type="button" className="button-link" onClick={onChooseOthers} data-testid="choose-others">
      Choose others
    </button>
  );
  if (chosen !== null && 'fileIds' in chosen) {
    return (
      <p data-testid="delivery-contents">
        The {pluralize(chosen.fileIds.length, 'photo', 'photos')} you selected in the library. {chooseOthers}
      </p>
    );
  }
  if (albumsError !== null) return <LoadFailed message={albumsError} onRetry={onRetryAlbums} />;
  if (albums === null) return <p className="muted">Loading albums…</p>;
  const album = chosen === null ? undefined : albums.find((candidate) => candidate.id === chosen.albumId);
  return (
    <p data-testid="delivery-contents">
      {album === undefined ? (
        <>This album doesn’t exist any more. </>
      ) : (
        <>
          Every photo in the album “{album.name}” ({pluralize(album.fileCount, 'photo', 'photos')}).{' '}
        </>
      )}
      {chooseOthers}
    </p>
  );
}

/** Photos picked from the library (every photo or an album's, searched, all at once), or one whole album. */
function ContentsPicker({
  kind,
  onKindChange,
  pickedFiles,
  onPickFiles,
  albums,
  albumsError,
  onRetryAlbums,
  pickedAlbumId,
  onPickAlbum,
}: {
  kind: ContentsKind;
  onKindChange: (kind: ContentsKind) => void;
  pickedFiles: ReadonlySet<string>;
  onPickFiles: (picked: ReadonlySet<string>) => void;
  albums: Album[] | null;
  albumsError: string | null;
  onRetryAlbums: () => void;
  pickedAlbumId: string;
  onPickAlbum: (albumId: string) => void;
}) {
  return (
    <>
      <fieldset className="contents-kinds">
        <legend className="visually-hidden">Deliver</legend>
        <label className="contents-kind">
          <input type="radio" name="contents-kind" checked={kind === 'photos'} onChange={() => onKindChange('photos')} data-testid="contents-photos" />
          Photos I choose
        </label>
        <label className="contents-kind">
          <input type="radio" name="contents-kind" checked={kind === 'album'} onChange={() => onKindChange('album')} data-testid="contents-album" />
          A whole album
        </label>
      </fieldset>
      {kind === 'photos' ? (
        <PhotoPicker picked={pickedFiles} onChange={onPickFiles} testIdPrefix="new-delivery-pick-" />
      ) : albumsError !== null ? (
        <LoadFailed message={albumsError} onRetry={onRetryAlbums} />
      ) : albums === null ? (
        <p className="muted">Loading albums…</p>
      ) : albums.length === 0 ? (
        <p data-testid="delivery-contents">
          No albums yet: choose the photos instead, or make an album in the <Link to={LIBRARY_PATH}>library</Link>.
        </p>
      ) : (
        <SelectField id="new-delivery-album" label="Album" value={pickedAlbumId} onChange={(event) => onPickAlbum(event.target.value)} data-testid="new-delivery-album">
          {albums.map((album) => (
            <option key={album.id} value={album.id}>
              {album.name} ({pluralize(album.fileCount, 'photo', 'photos')})
            </option>
          ))}
        </SelectField>
      )}
    </>
  );
}

/** The link and the code, shown this once, whether they were emailed, and proofing when it was asked for. */
function Created({ created: { delivery, access, proofing } }: { created: CreatedDelivery }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section aria-labelledby="delivery-created-heading" data-testid="delivery-created">
      <p className="page-eyebrow">Deliveries</p>
      <h1 id="delivery-created-heading" tabIndex={-1} ref={headingRef}>
        Delivery created
      </h1>
      <p className="page-lead">
        “{delivery.title}”: {pluralize(delivery.fileCount, 'file', 'files')}, {formatBytes(delivery.totalBytes)}, until{' '}
        <time dateTime={delivery.expiresAt}>{formatDateTime(delivery.expiresAt)}</time>.
      </p>
      <div className="panel">
        <ShownOnce link={access.url} code={access.code}>
          <p className="notice" data-testid="delivery-emailed">
            {delivery.recipients.length > 0
              ? `We emailed the link and the code to ${listOfPeople(delivery.recipients)}, in two separate emails.`
              : 'No emails were sent, as you added no recipients. Send your client the link and the code yourself, each a different way (say, the link by email and the code by text message).'}
          </p>
          {proofing !== null && 'problem' in proofing && (
            <p className="notice notice-important" role="alert" data-testid="delivery-proofing">
              Proofing could not be turned on: {proofing.problem} Turn it on from the delivery’s page.
            </p>
          )}
          {proofing !== null && 'favouriteLimit' in proofing && (
            <p className="notice" data-testid="delivery-proofing">
              Proofing is on: your client can heart {proofing.favouriteLimit === null ? 'photos' : `up to ${pluralize(proofing.favouriteLimit, 'photo', 'photos')}`} and send you the list.
            </p>
          )}
        </ShownOnce>
        <div className="panel-actions">
          <Link to={deliveryPath(delivery.id)} className="button button-primary button-auto" data-testid="go-to-delivery">
            Go to the delivery
          </Link>
          <Link to={DELIVERIES_PATH}>All deliveries</Link>
        </div>
      </div>
    </section>
  );
}
