/**
 * The vault UI in a real browser against the built app and the real server, with the vault
 * API answered by an in-memory fake through `page.route` (the contract in the issue
 * "Encrypted vault: upload, organise, preview and download photos"). Every API call the fake
 * does not know fails the test, and so does any console error, failed request or CSP
 * violation, unless it is a failure the fake answered on purpose.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AlbumView } from '../server/src/vault/albums.ts';
import type { FileView } from '../server/src/vault/file-views.ts';
import type { ExifSummary } from '../server/src/imaging/photo-metadata.ts';
import { useServerAndBrowser } from './journeys.ts';
import { eventually, expectText, isDecoded, isFocused, makeUser, StubbedRoutes, tinyPng, withStubbedPage, type RecordedRequest, type StubAnswer } from './stubs.ts';

const env = useServerAndBrowser();

describe('vault UI', () => {
  it('uploads through the file input with progress, explains a refusal, then shows thumbnails once previews are ready', async () => {
    await withVault(async (page, vault) => {
      vault.refuse('notes.txt', 415, 'file_type_not_allowed', 'Only photos can be uploaded.');
      const release = vault.holdUploads();
      await page.goto(`${env.origin}/library`);
      await expectText(page.getByTestId('library-empty'), /^No photos yet/);
      await expectText(page.getByRole('link', { name: 'Library', exact: true }), 'Library');

      const ceremony = bytes(48_000, 1);
      const portrait = bytes(64_000, 2);
      await page.getByTestId('upload-input').setInputFiles([
        { name: 'ceremony.jpg', mimeType: 'image/jpeg', buffer: ceremony },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
        { name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: portrait },
      ]);

      // All three are under way (page.route holds a request's body, so their bars stay at the start until answered).
      const queue = page.getByTestId('upload-queue');
      await eventually(() => vault.uploadPatches().length).toBe(3);
      await expectText(queue.getByTestId('upload-row-ceremony.jpg'), /^ceremony\.jpg 48 kB \d+%.* Pause ceremony\.jpg Cancel ceremony\.jpg$/);
      await expect(progressOf(queue.getByTestId('upload-row-ceremony.jpg').locator('progress'))).resolves.toEqual({ value: 0, max: 48_000 });
      await expect(progressOf(page.getByTestId('upload-progress-total'))).resolves.toEqual({ value: 0, max: 112_011 });
      await expectText(page.getByRole('status').filter({ hasText: 'Uploading' }), 'Uploading: 0 of 3 done.');
      release();

      await expectText(page.getByTestId('upload-error-notes.txt'), 'Not a supported photo type.');
      await expectText(queue.getByTestId('upload-row-ceremony.jpg'), /Uploaded$/);
      await expectText(queue.getByTestId('upload-row-portrait.jpg'), /Uploaded$/);
      await expectText(queue.locator('.upload-summary'), '2 of 3 files uploaded, 1 failed.');
      await expectText(page.getByRole('status').filter({ hasText: 'uploaded' }), '2 uploaded, 1 failed.');
      await expect(progressOf(queue.getByTestId('upload-row-ceremony.jpg').locator('progress'))).resolves.toEqual({ value: 48_000, max: 48_000 });
      await expect(progressOf(queue.getByTestId('upload-row-portrait.jpg').locator('progress'))).resolves.toEqual({ value: 64_000, max: 64_000 });
      await expect(progressOf(page.getByTestId('upload-progress-total'))).resolves.toEqual({ value: 112_011, max: 112_011 });

      const uploads = vault.uploadPatches();
      // The name travels in a header, never in the URL (which proxies log).
      // Resumable (tus) uploads: the name travels in Upload-Metadata, never in the URL.
      expect(uploads.map((upload) => upload.name).toSorted()).toEqual(['ceremony.jpg', 'notes.txt', 'portrait.jpg']);
      for (const { request } of uploads) expect(new URL(request.url).search).toBe('');
      for (const { request } of uploads) expect(request.headers['content-type']).toBe('application/offset+octet-stream');
      expect(uploads.find((upload) => upload.name === 'ceremony.jpg')?.request.bytes?.equals(ceremony)).toBe(true);

      // The uploads are in the grid while their previews are made; the list is polled until they are ready.
      const tile = page.getByTestId('file-tile-f1');
      await expectText(tile, /Processing…/);
      await expect(page.getByTestId('file-grid').locator('li').count()).resolves.toBe(2);
      const listsBefore = vault.requests('GET /api/vault/files').length;
      vault.finishPreviews();
      await eventually(() => isDecoded(tile.locator('img')), 10_000).toBe(true);
      await expect(tile.getByText('Processing…').count()).resolves.toBe(0);
      expect(vault.requests('GET /api/vault/files').length).toBeGreaterThan(listsBefore);
      await eventually(() => page.getByTestId('usage-meter').getAttribute('value')).toBe(String(USED_BYTES + 112_000));

      await queue.getByRole('button', { name: 'Clear' }).click();
      await eventually(() => queue.count()).toBe(0);
    });
  });

  it('uploads three files at a time into the album shown, and cancels one waiting and one under way', async () => {
    await withVault(async (page, vault) => {
      vault.addAlbum({ id: 'a-wedding', name: 'Wedding' });
      const release = vault.holdUploads();
      await page.goto(`${env.origin}/library/albums/a-wedding`);
      await expectText(page.getByRole('heading', { level: 1 }), 'Wedding');

      const names = ['one.jpg', 'two.jpg', 'three.jpg', 'four.jpg', 'five.jpg'];
      await page.getByTestId('upload-input').setInputFiles(names.map((name, index) => ({ name, mimeType: 'image/jpeg', buffer: bytes(10_000, index) })));
      await eventually(() => vault.uploadPatches().length).toBe(3);
      await expectText(page.getByTestId('upload-row-four.jpg'), /Waiting/);

      await page.getByTestId('upload-row-two.jpg').getByRole('button', { name: 'Cancel two.jpg' }).click();
      await page.getByTestId('upload-row-five.jpg').getByRole('button', { name: 'Cancel five.jpg' }).click();
      await eventually(() => page.getByTestId('upload-row-two.jpg').count()).toBe(0);
      await eventually(() => vault.uploadPatches().length).toBe(4);
      release();

      await expectText(page.locator('.upload-summary'), '3 photos uploaded.');
      const uploaded = vault.uploadPatches();
      expect(uploaded.map((upload) => upload.name).toSorted()).toEqual(['four.jpg', 'one.jpg', 'three.jpg', 'two.jpg']);
      for (const upload of uploaded) expect(upload.albumId).toBe('a-wedding');
      // The one cancelled under way is deleted on the server too (tus termination).
      await eventually(() => vault.terminated.length).toBe(1);
      await expect(page.getByTestId('file-grid').locator('li').count()).resolves.toBe(3);
    });
  });

  it('pauses an upload under way and resumes it from where the server has it (tus HEAD, then PATCH)', async () => {
    await withVault(async (page, vault) => {
      const release = vault.holdUploads();
      await page.goto(`${env.origin}/library`);
      await expectText(page.getByTestId('library-empty'), /^No photos yet/);
      await page.getByTestId('upload-input').setInputFiles([{ name: 'pause-me.jpg', mimeType: 'image/jpeg', buffer: bytes(30_000, 9) }]);
      await eventually(() => vault.uploadPatches().length).toBe(1);

      const row = page.getByTestId('upload-row-pause-me.jpg');
      await row.getByRole('button', { name: 'Pause pause-me.jpg' }).click();
      await expectText(row, /Paused at \d+%/);
      await expectText(page.locator('.upload-summary'), /^1 paused · /);
      await row.getByRole('button', { name: 'Resume pause-me.jpg' }).click();
      await eventually(() => vault.requests('HEAD /api/vault/uploads/u1').length).toBe(1);
      await eventually(() => vault.uploadPatches().length).toBe(2);
      release();

      await expectText(row, /Uploaded$/);
      await expectText(page.locator('.upload-summary'), '1 photo uploaded.');
      await expect(page.getByTestId('file-grid').locator('li').count()).resolves.toBe(1);
      expect(vault.uploadPatches().map((upload) => upload.request.headers['upload-offset'])).toEqual(['0', '0']);
    });
  });

  it('selects a range and moves it to an album, then opens a photo: checksum, camera details, arrow keys, download', async () => {
    await withVault(async (page, vault) => {
      vault.addAlbum({ id: 'a-wedding', name: 'Wedding' });
      // Taken in Lisbon in summer: shown at the camera's 15:30, whatever the browser's time zone.
      vault.addFile({ name: 'ceremony.jpg', capturedAt: '2026-06-14T15:30:00+01:00' });
      for (const name of ['rings.jpg', 'dance.jpg']) vault.addFile({ name });
      vault.addFile({ name: 'toast.jpg', status: 'failed' });
      await page.goto(`${env.origin}/`);
      await page.getByTestId('home-library').click();
      await page.waitForURL(`${env.origin}/library`);

      const failed = page.getByTestId('file-tile-f4');
      await expectText(failed, /^toast\.jpg Preview failed Retry/);
      await failed.getByRole('button', { name: 'Retry the preview of toast.jpg' }).click();
      await expectText(failed, /^toast\.jpg Processing…$/);
      expect(vault.requests('POST /api/vault/files/f4/retry-previews')).toHaveLength(1);

      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('file-select-f2').click({ modifiers: ['Shift'] });
      await expectText(page.getByTestId('selection-bar'), /^2 photos selected/);
      await page.getByTestId('bulk-move').click();
      const dialog = page.getByRole('dialog', { name: 'Move 2 photos' });
      await expect(dialog.getByTestId('move-album').inputValue()).resolves.toBe('a-wedding');
      await dialog.getByTestId('confirm-dialog-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await expectText(page.getByTestId('library-status'), 'Moved 2 photos to “Wedding”.');
      expect(vault.bodiesOf('POST /api/vault/files/move')).toEqual([{ fileIds: ['f1', 'f2'], albumId: 'a-wedding' }]);
      await expectText(page.getByTestId('album-a-wedding'), 'Wedding 2 photos');
      await expect(page.getByTestId('selection-bar').count()).resolves.toBe(0);
      await expect(isFocused(page.getByRole('heading', { level: 1 }))).resolves.toBe(true);

      await page.getByTestId('file-tile-f1').getByRole('link').click();
      await page.waitForURL(`${env.origin}/library/files/f1`);
      const image = page.getByTestId('viewer-image');
      await eventually(() => isDecoded(image)).toBe(true);
      await expect(image.getAttribute('alt')).resolves.toBe('ceremony.jpg');
      await expectText(page.locator('.facts-row', { hasText: 'Captured' }).locator('dd'), /^Jun 14, 2026, 3:30\sPM \(UTC\+01:00\)$/);
      await expectText(page.getByTestId('viewer-checksum'), vault.file('f1').sha256);
      await expectText(page.getByTestId('viewer-exif'), /Camera FUJIFILM X-T5 Lens XF56mmF1\.2 R WR Exposure 1\/250 s Aperture f\/2 ISO 400 Focal length 56 mm/);
      await expectText(page.getByTestId('viewer-exif'), /Location 48\.85837° N, 2\.29448° E Only you can see this — it is never shared with clients\.$/);
      await expect(page.title()).resolves.toBe('ceremony.jpg · Shutterlock');

      await page.keyboard.press('ArrowRight');
      await page.waitForURL(`${env.origin}/library/files/f2`);
      await expectText(page.getByRole('heading', { level: 1 }), 'rings.jpg');
      await page.keyboard.press('ArrowLeft');
      await page.waitForURL(`${env.origin}/library/files/f1`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('viewer-download').click()]);
      expect(download.suggestedFilename()).toBe('ceremony.jpg');
      expect(vault.bodiesOf('POST /api/vault/files/f1/download-url')).toEqual([{ variant: 'original' }]);
      expect(vault.requests('GET /api/files/f1/original')).toHaveLength(1);

      await page.getByRole('link', { name: 'All photos' }).first().click();
      await page.waitForURL(`${env.origin}/library`);
      await page.getByTestId('file-grid').waitFor();
    });
  });

  it('adds a photo to several albums from the library and the viewer, and takes it out of one', async () => {
    await withVault(async (page, vault) => {
      vault.addAlbum({ id: 'a-ceremony', name: 'Ceremony' });
      vault.addAlbum({ id: 'a-selects', name: 'Selects' });
      vault.addFile({ name: 'kiss.jpg', albumIds: ['a-ceremony'] });
      vault.addFile({ name: 'rings.jpg', albumIds: ['a-ceremony'] });
      await page.goto(`${env.origin}/library`);

      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('file-select-f2').check();
      await page.getByTestId('bulk-add-album').click();
      const dialog = page.getByRole('dialog', { name: 'Add 2 photos to an album' });
      // Both are in Ceremony already: only Selects is offered.
      await expect(dialog.getByTestId('add-album').locator('option').allTextContents()).resolves.toEqual(['Selects']);
      await dialog.getByTestId('confirm-dialog-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await expectText(page.getByTestId('library-status'), 'Added 2 photos to “Selects”.');
      expect(vault.bodiesOf('POST /api/vault/albums/a-selects/files')).toEqual([{ fileIds: ['f1', 'f2'] }]);
      await expectText(page.getByTestId('album-a-ceremony'), 'Ceremony 2 photos');
      await expectText(page.getByTestId('album-a-selects'), 'Selects 2 photos');
      expect(vault.requests('POST /api/vault/files/move')).toHaveLength(0);

      // In an album, a photo can be taken out of it alone.
      await page.getByTestId('album-a-ceremony').click();
      await page.waitForURL(`${env.origin}/library/albums/a-ceremony`);
      await page.getByTestId('file-select-f2').check();
      await page.getByTestId('bulk-remove-album').click();
      await expectText(page.getByTestId('library-status'), 'Took 1 photo out of “Ceremony”. They are still in All photos.');
      expect(vault.bodiesOf('POST /api/vault/albums/a-ceremony/files/remove')).toEqual([{ fileIds: ['f2'] }]);
      await eventually(() => page.getByTestId('file-tile-f2').count()).toBe(0);
      await expectText(page.getByTestId('album-a-ceremony'), 'Ceremony 1 photo');
      expect(vault.file('f2').albumIds).toEqual(['a-selects']);

      // The viewer says which albums a photo is in, and adds it to one more.
      vault.addAlbum({ id: 'a-print', name: 'Print' });
      await page.goto(`${env.origin}/library/files/f1`);
      await expectText(page.locator('.facts-row', { hasText: 'Albums' }).locator('dd'), 'Ceremony, Selects');
      await page.getByTestId('viewer-add-album').click();
      const add = page.getByRole('dialog', { name: 'Add 1 photo to an album' });
      await expect(add.getByTestId('add-album').inputValue()).resolves.toBe('a-print');
      await add.getByTestId('confirm-dialog-confirm').click();
      await expectText(page.getByTestId('viewer-status'), 'Added to “Print”.');
      await expectText(page.locator('.facts-row', { hasText: 'Albums' }).locator('dd'), 'Ceremony, Selects, Print');
      expect(vault.file('f1').albumIds).toEqual(['a-ceremony', 'a-selects', 'a-print']);
    });
  });

  it('moves photos to the trash, restores one and empties the trash after confirming', async () => {
    await withVault(async (page, vault) => {
      for (const name of ['keep.jpg', 'blurry.jpg']) vault.addFile({ name });
      await page.goto(`${env.origin}/library`);

      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('bulk-delete').click();
      // Asked first: Cancel changes nothing.
      const asked = page.getByRole('dialog', { name: 'Move “keep.jpg” to the trash?' });
      await expect(isFocused(asked.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
      await asked.getByRole('button', { name: 'Cancel' }).click();
      expect(vault.requests('DELETE /api/vault/files/f1')).toHaveLength(0);
      await page.getByTestId('bulk-delete').click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await expectText(page.getByTestId('library-status'), 'Moved “keep.jpg” to the trash.');
      await expect(page.getByTestId('file-tile-f1').count()).resolves.toBe(0);
      expect(vault.requests('DELETE /api/vault/files/f1')).toHaveLength(1);
      // Undo brings it straight back.
      await page.getByTestId('undo-trash').click();
      await expectText(page.getByTestId('library-status'), 'Brought “keep.jpg” back from the trash.');
      await page.getByTestId('file-tile-f1').waitFor();
      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('bulk-delete').click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await expectText(page.getByTestId('library-status'), 'Moved “keep.jpg” to the trash.');

      await page.getByTestId('file-tile-f2').getByRole('link').click();
      await page.getByTestId('viewer-delete').click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await page.waitForURL(`${env.origin}/library`);
      await expectText(page.getByTestId('library-status'), 'Moved “blurry.jpg” to the trash.');

      await page.getByTestId('trash-link').click();
      await page.waitForURL(`${env.origin}/library/trash`);
      await page.getByTestId('restore-f1').click();
      await expectText(page.getByTestId('library-status'), 'Restored “keep.jpg”.');
      await expect(page.getByTestId('file-tile-f1').count()).resolves.toBe(0);
      expect(vault.requests('POST /api/vault/files/f1/restore')).toHaveLength(2); // the Undo, then Restore

      await page.getByTestId('empty-trash').click();
      const dialog = page.getByRole('dialog', { name: 'Empty the trash?' });
      await expect(isFocused(dialog.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(vault.requests('POST /api/vault/trash/empty')).toHaveLength(0);
      await page.getByTestId('empty-trash').click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await expectText(page.getByTestId('library-status'), 'Deleted 1 photo for good.');
      await expectText(page.getByTestId('library-empty'), 'The trash is empty.');
      await expect(isFocused(page.getByRole('heading', { level: 1 }))).resolves.toBe(true);

      await page.getByRole('link', { name: 'All photos' }).click();
      await page.getByTestId('file-tile-f1').waitFor();
    });
  });

  it('names the live deliveries before trashing a delivered photo, and says so again only with confirm', async () => {
    await withVault(async (page, vault) => {
      for (const name of ['first-dance.jpg', 'outtake.jpg']) vault.addFile({ name });
      vault.deliver('Anna & Tom — the wedding', ['f1']);
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('file-select-f2').check();
      await page.getByTestId('bulk-delete').click();
      const dialog = page.getByRole('dialog', { name: 'Take 2 photos from a client?' });
      await expectText(dialog.getByTestId('trash-live-deliveries'), /“Anna & Tom — the wedding” — first-dance\.jpg/);
      await dialog.getByRole('button', { name: 'Move to trash anyway' }).click();
      await expectText(page.getByTestId('library-status'), 'Moved 2 photos to the trash.');
      expect(vault.requests('DELETE /api/vault/files/f1').map((request) => new URL(request.url).search)).toEqual(['?confirm=true']);
    });
  });

  it('loads more with the cursor, and asks the API to sort and search', async () => {
    await withVault(async (page, vault) => {
      for (let index = 1; index <= 70; index += 1) vault.addFile({ name: `IMG_${String(index).padStart(4, '0')}.jpg` });
      await page.goto(`${env.origin}/library`);
      const tiles = page.getByTestId('file-grid').locator('li');
      await eventually(() => tiles.count()).toBe(60);
      // Newest capture first, and the controls say so.
      await expect(page.getByLabel('Sort by').inputValue()).resolves.toBe('captured');
      await expect(page.getByLabel('Order').locator('option:checked').textContent()).resolves.toBe('Newest first');

      await page.getByTestId('load-more').click();
      await eventually(() => tiles.count()).toBe(70);
      await expect(page.getByTestId('load-more').count()).resolves.toBe(0);
      await eventually(() => isFocused(page.getByTestId('file-tile-f61').getByRole('link'))).toBe(true);
      const lists = vault.requests('GET /api/vault/files').map((request) => Object.fromEntries(new URL(request.url).searchParams));
      expect(lists).toEqual([
        { sort: 'captured', order: 'desc', limit: '60' },
        { sort: 'captured', order: 'desc', cursor: '60', limit: '60' },
      ]);

      // The arrow keys move between tiles as the grid lays them out.
      const first = page.getByTestId('file-tile-f1').getByRole('link');
      await first.focus();
      await page.keyboard.press('ArrowRight');
      await expect(isFocused(page.getByTestId('file-tile-f2').getByRole('link'))).resolves.toBe(true);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowDown');
      const below = await page.evaluate(() => document.activeElement?.closest('li')?.dataset.testid);
      const [firstBox, belowBox] = await Promise.all([first.boundingBox(), page.getByTestId(below ?? '').boundingBox()]);
      expect(belowBox?.x).toBe(firstBox?.x);
      expect(belowBox?.y).toBeGreaterThan(firstBox?.y ?? Infinity);

      await page.getByTestId('sort-select').selectOption('name');
      await expectText(tiles.first(), 'IMG_0001.jpg');
      await page.getByTestId('search-input').fill('IMG_005');
      await eventually(() => tiles.count()).toBe(10);
      expect(Object.fromEntries(new URL(vault.requests('GET /api/vault/files').at(-1)?.url ?? env.origin).searchParams)).toEqual({
        sort: 'name',
        order: 'asc',
        q: 'IMG_005',
        limit: '60',
      });
    });
  });

  it('creates, renames and deletes an album, saying that its photos are kept', async () => {
    await withVault(async (page, vault) => {
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('album-create').click();
      await expect(isFocused(page.getByTestId('album-name'))).resolves.toBe(true);
      await page.getByTestId('album-name').fill('Portraits');
      await page.getByTestId('album-name').press('Enter');
      await expectText(page.getByTestId('library-status'), 'Created the album “Portraits”.');
      await expect(isFocused(page.getByTestId('album-create'))).resolves.toBe(true);

      await page.getByTestId('album-a1').click();
      await page.waitForURL(`${env.origin}/library/albums/a1`);
      await page.getByTestId('album-rename').click();
      await page.getByTestId('album-rename-name').fill('Studio portraits');
      await page.getByTestId('album-rename-submit').click();
      await expectText(page.getByRole('heading', { level: 1 }), 'Studio portraits');
      await expectText(page.getByTestId('album-a1'), 'Studio portraits 0 photos');

      await page.getByTestId('album-delete').click();
      const dialog = page.getByRole('dialog', { name: 'Delete the album “Studio portraits”?' });
      await expectText(dialog.locator('.dialog-body'), 'Photos in it are kept: you’ll still find them in All photos.');
      await page.getByTestId('confirm-dialog-confirm').click();
      await page.waitForURL(`${env.origin}/library`);
      await expectText(page.getByTestId('library-status'), 'Deleted the album “Studio portraits”. Its photos are still here.');
      await expect(page.getByTestId('album-a1').count()).resolves.toBe(0);
      expect(vault.bodiesOf('POST /api/vault/albums')).toEqual([{ name: 'Portraits' }]);
      expect(vault.bodiesOf('PATCH /api/vault/albums/a1')).toEqual([{ name: 'Studio portraits' }]);
      expect(vault.requests('DELETE /api/vault/albums/a1')).toHaveLength(1);
    });
  });

  it('explains to an admin without a studio that there is no library for them', async () => {
    await withVault(
      async (page) => {
        await page.goto(`${env.origin}/library`);
        await expectText(page.getByTestId('no-vault'), /your account isn’t part of one/);
        await expect(page.getByRole('link', { name: 'Library', exact: true }).count()).resolves.toBe(0);
      },
      { role: 'admin', studioId: null, totpEnabled: true },
    );
  });
});

// ---------------------------------------------------------------------------------------
// The fake vault

const USED_BYTES = 3_200_000_000;
const QUOTA_BYTES = 50_000_000_000;
const EXIF: ExifSummary = {
  camera: 'FUJIFILM X-T5',
  lens: 'XF56mmF1.2 R WR',
  exposureTime: '1/250',
  fNumber: 2,
  iso: 400,
  focalLength: 56,
  gps: { latitude: 48.858370, longitude: 2.294481, altitude: null },
};

/**
 * The vault API as the contract describes it, in memory: files (newest upload first),
 * albums, the trash and the signed URLs of previews and originals.
 */
class FakeVault extends StubbedRoutes {
  private readonly files: FileView[] = [];
  private readonly albums: AlbumView[] = [];
  private readonly refusals = new Map<string, StubAnswer>();
  /** Live deliveries and the files they show (listFileUses). */
  private readonly deliveries: Array<{ kind: 'delivery'; id: string; title: string; fileIds: string[] }> = [];
  private uploadGate: Promise<void> | null = null;
  private nextId = { file: 1, album: 1 };
  private clock = Date.parse('2026-03-01T10:00:00Z');
  private usedBytes = USED_BYTES;

  private readonly user: Record<string, unknown>;

  constructor(user: Record<string, unknown>) {
    super();
    this.user = user;
  }

  addAlbum(album: { id: string; name: string }): void {
    const createdAt = this.tick();
    this.albums.push({ ...album, fileCount: 0, createdAt, updatedAt: createdAt });
  }

  addFile(overrides: Partial<FileView>): FileView {
    const id = `f${this.nextId.file++}`;
    const file: FileView = {
      id,
      name: `${id}.jpg`,
      type: 'image/jpeg',
      size: 24_000_000,
      sha256: createHashLike(id),
      albumIds: [],
      status: 'ready',
      failureReason: null,
      uploadedAt: this.tick(),
      capturedAt: '2026-02-14T15:30:00Z',
      deletedAt: null,
      width: 6240,
      height: 4160,
      thumbnailUrl: null,
      previewUrl: null,
      ...overrides,
    };
    this.files.push(file);
    return file;
  }

  deliver(title: string, fileIds: string[]): void {
    this.deliveries.push({ kind: 'delivery', id: `d${this.deliveries.length + 1}`, title, fileIds });
  }

  file(id: string): FileView {
    const file = this.files.find((candidate) => candidate.id === id);
    if (!file) throw new Error(`No file ${id}`);
    return file;
  }

  /** Uploads of a file with this name are refused with this error. */
  refuse(name: string, status: number, code: string, message: string): void {
    this.refusals.set(name, { status, json: { error: { code, message } } });
  }

  /** Holds every upload's answer until the returned function is called. */
  holdUploads(): () => void {
    let release = () => {};
    this.uploadGate = new Promise((resolve) => {
      release = resolve;
    });
    return release;
  }

  finishPreviews(): void {
    for (const file of this.files) file.status = 'ready';
  }

  protected async answer(method: string, url: URL, request: RecordedRequest): Promise<StubAnswer | undefined> {
    const path = url.pathname;
    const params = url.searchParams;
    const body = request.body as Record<string, unknown> | undefined;
    let match: RegExpExecArray | null;

    if (method === 'GET' && path === '/api/me') return { json: { user: this.user } };
    // The studio switcher's list (studio teams): one studio, the photographer's own.
    if (method === 'GET' && path === '/api/me/studios') {
      return { json: { studios: this.user.studioId ? [{ id: String(this.user.studioId), name: 'Studio', role: 'owner', active: true }] : [] } };
    }
    if (method === 'GET' && path === '/api/vault/usage') return { json: { usedBytes: this.usedBytes, quotaBytes: QUOTA_BYTES } };
    if (method === 'GET' && path === '/api/vault/albums') return { json: { albums: this.albums.map((album) => this.counted(album)) } };
    if (method === 'POST' && path === '/api/vault/albums') {
      this.addAlbum({ id: `a${this.nextId.album++}`, name: String(body?.name) });
      return { status: 201, json: { album: this.counted(this.albums.at(-1) as AlbumView) } };
    }
    if ((match = /^\/api\/vault\/albums\/([^/]+)$/.exec(path))) {
      const album = this.albums.find((candidate) => candidate.id === match?.[1]);
      if (!album) return undefined;
      if (method === 'PATCH') {
        album.name = String(body?.name);
        album.updatedAt = new Date(this.clock).toISOString();
        return { json: { album: this.counted(album) } };
      }
      if (method === 'DELETE') {
        this.albums.splice(this.albums.indexOf(album), 1);
        for (const file of this.files) file.albumIds = file.albumIds.filter((id) => id !== album.id);
        return { status: 204 };
      }
    }
    if (method === 'POST' && (match = /^\/api\/vault\/albums\/([^/]+)\/files(\/remove)?$/.exec(path))) {
      const album = this.albums.find((candidate) => candidate.id === match?.[1]);
      if (!album) return undefined;
      const files = (body?.fileIds as string[]).map((id) => this.file(id));
      const changing = files.filter((file) => file.albumIds.includes(album.id) === (match?.[2] !== undefined));
      for (const file of changing) file.albumIds = match[2] ? file.albumIds.filter((id) => id !== album.id) : [...file.albumIds, album.id];
      return { json: { album: this.counted(album), [match[2] ? 'removed' : 'added']: changing.length } };
    }
    if (method === 'POST' && path === '/api/vault/files') return this.upload(params, request);
    if (method === 'POST' && path === '/api/vault/uploads') return this.createResumable(request);
    if ((match = /^\/api\/vault\/uploads\/(u\d+)$/.exec(path))) {
      const id = match[1] as string;
      if (method === 'PATCH') return this.appendResumable(id, request);
      if (method === 'HEAD') {
        const upload = this.resumable.get(id);
        if (!upload) return { status: 404, headers: { 'tus-resumable': '1.0.0' } };
        const offset = upload.fileId ? upload.length : 0;
        return { status: 200, headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'upload-length': String(upload.length), 'cache-control': 'no-store' } };
      }
      if (method === 'DELETE') {
        this.resumable.delete(id);
        this.terminated.push(id);
        return { status: 204, headers: { 'tus-resumable': '1.0.0' } };
      }
    }
    if (method === 'GET' && path === '/api/vault/files') return { json: this.list(params) };
    if (method === 'POST' && path === '/api/vault/files/move') {
      const ids = body?.fileIds as string[];
      for (const id of ids) this.file(id).albumIds = typeof body?.albumId === 'string' ? [body.albumId] : [];
      return { json: { moved: ids.length } };
    }
    if (method === 'POST' && path === '/api/vault/files/uses') {
      const ids = new Set(body?.fileIds as string[]);
      return { json: { uses: this.deliveries.filter((use) => use.fileIds.some((id) => ids.has(id))).map((use) => ({ ...use, fileIds: use.fileIds.filter((id) => ids.has(id)) })) } };
    }
    if (method === 'POST' && path === '/api/vault/trash/empty') {
      const trashed = this.files.filter((file) => file.deletedAt !== null);
      for (const file of trashed) this.files.splice(this.files.indexOf(file), 1);
      return { json: { purged: trashed.length } };
    }
    if ((match = /^\/api\/vault\/files\/(f\d+)(\/[a-z-]+)?$/.exec(path))) {
      const file = this.files.find((candidate) => candidate.id === match?.[1]);
      if (!file) return undefined;
      switch (`${method} ${match[2] ?? ''}`) {
        case 'GET ':
          return { json: { file: { ...this.view(file), exif: EXIF } } };
        case 'DELETE ':
          if (params.get('confirm') !== 'true' && this.deliveries.some((use) => use.fileIds.includes(file.id))) {
            return { status: 409, json: { error: { code: 'file_in_live_delivery', message: 'This photo is in a live delivery.' } } };
          }
          file.deletedAt = new Date(this.clock).toISOString();
          return { status: 204 };
        case 'POST /retry-previews':
          file.status = 'processing';
          return { status: 202 };
        case 'POST /restore':
          file.deletedAt = null;
          return { json: { file: this.view(file) } };
        case 'POST /download-url':
          return { json: { url: this.signed(file, String(body?.variant)), expiresAt: new Date(Date.now() + 300_000).toISOString() } };
      }
    }
    if (method === 'GET' && (match = /^\/api\/files\/(f\d+)\/(original|preview|thumbnail)$/.exec(path))) {
      const file = this.files.find((candidate) => candidate.id === match?.[1]);
      if (!file || params.get('sig') !== 'test') return undefined;
      if (match[2] === 'original') {
        return { body: bytes(2_000, 7), headers: { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"` } };
      }
      return { body: tinyPng(Number(file.id.slice(1)), match[2] === 'preview' ? 3 : 2), headers: { 'content-type': 'image/png' } };
    }
    return undefined;
  }

  private readonly resumable = new Map<string, { name: string; albumId: string | null; length: number; fileId?: string }>();
  private readonly patches: Array<{ name: string; albumId: string | null; request: RecordedRequest }> = [];
  readonly terminated: string[] = [];

  /** The tus PATCH requests that carried files, in the order they came. */
  uploadPatches(): Array<{ name: string; albumId: string | null; request: RecordedRequest }> {
    return [...this.patches];
  }

  private createResumable(request: RecordedRequest): StubAnswer {
    const metadata = new Map(
      (request.headers['upload-metadata'] ?? '').split(',').map((pair) => {
        const [key = '', value = ''] = pair.trim().split(' ');
        return [key, Buffer.from(value, 'base64').toString('utf8')] as const;
      }),
    );
    const id = `u${this.resumable.size + this.terminated.length + this.patches.length + 1}`;
    this.resumable.set(id, { name: metadata.get('filename') ?? '', albumId: metadata.get('albumId') ?? null, length: Number(request.headers['upload-length']) });
    return { status: 201, headers: { 'tus-resumable': '1.0.0', location: `/api/vault/uploads/${id}`, 'upload-offset': '0' } };
  }

  private async appendResumable(id: string, request: RecordedRequest): Promise<StubAnswer | undefined> {
    const upload = this.resumable.get(id);
    if (!upload) return undefined;
    this.patches.push({ name: upload.name, albumId: upload.albumId, request });
    await this.uploadGate;
    if (!this.resumable.has(id)) return { status: 404, json: { error: { code: 'upload_not_found', message: 'There is no such upload.' } } };
    const refusal = this.refusals.get(upload.name);
    if (refusal) return { ...refusal, headers: { 'tus-resumable': '1.0.0' } };
    // A request the page paused (and so abandoned) may still be answered after its successor: store the file once.
    if (!upload.fileId) {
      this.usedBytes += upload.length;
      upload.fileId = this.addFile({ name: upload.name, size: upload.length, albumIds: upload.albumId === null ? [] : [upload.albumId], status: 'processing', capturedAt: null, width: null, height: null }).id;
    }
    return { status: 204, headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(upload.length), 'upload-file-id': upload.fileId } };
  }

  private async upload(params: URLSearchParams, request: RecordedRequest): Promise<StubAnswer> {
    await this.uploadGate;
    const name = decodeURIComponent(request.headers['x-file-name'] ?? '');
    const refusal = this.refusals.get(name);
    if (refusal) return refusal;
    const size = request.bytes?.length ?? 0;
    this.usedBytes += size;
    const albumId = params.get('albumId');
    const file = this.addFile({ name, size, albumIds: albumId === null ? [] : [albumId], status: 'processing', capturedAt: null, width: null, height: null });
    return { status: 201, json: { file: this.view(file) } };
  }

  /** Sorted by upload time or name; the cursor is an offset. */
  private list(params: URLSearchParams): { files: FileView[]; nextCursor: string | null } {
    const trash = params.get('trash') === 'true';
    const albumId = params.get('albumId');
    const q = params.get('q')?.toLowerCase() ?? '';
    const sortKey = (file: FileView) => (params.get('sort') === 'name' ? file.name : file.uploadedAt);
    const matching = this.files
      .filter((file) => (file.deletedAt !== null) === trash && (albumId === null || file.albumIds.includes(albumId)) && file.name.toLowerCase().includes(q))
      .toSorted((a, b) => sortKey(a).localeCompare(sortKey(b)));
    if (params.get('order') === 'desc') matching.reverse();
    const start = Number(params.get('cursor') ?? 0);
    const end = start + Number(params.get('limit') ?? 50);
    return { files: matching.slice(start, end).map((file) => this.view(file)), nextCursor: end < matching.length ? String(end) : null };
  }

  private view(file: FileView): FileView {
    const ready = file.status === 'ready';
    return { ...file, thumbnailUrl: ready ? this.signed(file, 'thumbnail') : null, previewUrl: ready ? this.signed(file, 'preview') : null };
  }

  private signed(file: FileView, variant: string): string {
    return `${env.origin}/api/files/${file.id}/${variant}?exp=${Math.floor(this.clock / 1000) + 300}&kv=1&sig=test`;
  }

  private counted(album: AlbumView): AlbumView {
    return { ...album, fileCount: this.files.filter((file) => file.albumIds.includes(album.id) && file.deletedAt === null).length };
  }

  /** Each fixture a minute older than the one before, so "newest first" lists them in the order they were added. */
  private tick(): string {
    this.clock -= 60_000;
    return new Date(this.clock).toISOString();
  }
}

/**
 * Runs `test` on a fresh page whose API is the fake vault, signed in as a photographer with
 * a studio unless `user` says otherwise, then checks that nothing unexpected happened.
 */
function withVault(test: (page: Page, vault: FakeVault) => Promise<void>, user: Record<string, unknown> = {}): Promise<void> {
  return withStubbedPage(env, new FakeVault(makeUser(user)), test);
}

// ---------------------------------------------------------------------------------------
// Fixtures

/** `length` bytes of a pattern that differs with `seed`. */
function bytes(length: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, index) => (index * 31 + seed * 17) % 256));
}

function createHashLike(id: string): string {
  return Buffer.from(id.padEnd(32, '#')).toString('hex').slice(0, 64);
}

// ---------------------------------------------------------------------------------------
// Helpers

function progressOf(locator: Locator): Promise<{ value: number; max: number }> {
  return locator.evaluate((element: HTMLProgressElement) => ({ value: element.value, max: element.max }));
}
