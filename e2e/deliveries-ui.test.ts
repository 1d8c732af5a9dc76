/**
 * The deliveries UI in a real browser against the built app and the real server, with the
 * API answered by an in-memory fake through `page.route` (the contract in
 * docs/deliveries.md): the photographer's pages, and the client's page at /d/{token}, which
 * must work for a visitor nobody signed in. Every API call the fake does not know fails the
 * test, and so does any console error, failed request or CSP violation, unless it is a
 * failure the fake answered on purpose.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AlbumView } from '../server/src/vault/albums.ts';
import type { FileView } from '../server/src/vault/file-views.ts';
import type { ClientDelivery, ClientFile, DeliveryEvent, DeliveryView } from '../server/test/deliveries.ts';
import { useServerAndBrowser } from './journeys.ts';
import { apiError, eventually, expectText, isDecoded, isFocused, makeUser, StubbedRoutes, tinyPng, withStubbedPage, type RecordedRequest, type StubAnswer } from './stubs.ts';

const env = useServerAndBrowser();

describe('deliveries UI: the photographer', () => {
  it('delivers photos selected in the library: checks the form, then shows the link and the code once', async () => {
    await withDeliveries(async (page, fake) => {
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('file-select-f1').check();
      await page.getByTestId('file-select-f2').check();
      await page.getByRole('button', { name: 'Deliver…' }).click();
      await page.waitForURL(`${env.origin}/deliveries/new?files=f1,f2`);
      await expectText(page.getByTestId('delivery-contents'), 'The 2 photos you selected in the library. Choose others');
      await expect(isFocused(page.getByLabel('Title'))).resolves.toBe(true);
      // Choosing others happens here, the photos chosen in the library still ticked.
      await page.getByRole('button', { name: 'Choose others' }).click();
      await expectText(page.getByTestId('photo-picker-count'), '2 photos chosen');
      await expect(page.getByTestId('new-delivery-pick-f1').isChecked()).resolves.toBe(true);
      await expect(page.getByTestId('new-delivery-pick-f2').isChecked()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: 'Deliveries', exact: true }).getAttribute('aria-current')).resolves.toBe('page');

      // The expiry is 30 days ahead by default; originals and the ZIP are offered.
      const expires = page.getByLabel('Expires on');
      await expect(expires.inputValue()).resolves.toBe(localDate(30));
      await expect(page.getByLabel('Allow downloading originals').isChecked()).resolves.toBe(true);
      await expect(page.getByLabel('Offer download all (ZIP)').isChecked()).resolves.toBe(true);

      await page.getByLabel('Recipients').fill('mia@example.com,\nnot-an-address');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await expectText(page.locator('#new-delivery-title-problem'), 'Give the delivery a title: your client sees it first.');
      await expectText(page.locator('#new-delivery-recipients-problem'), 'This isn’t an email address: not-an-address.');
      await expect(isFocused(page.getByLabel('Title'))).resolves.toBe(true);
      expect(fake.requests('POST /api/deliveries')).toHaveLength(0);

      await page.getByLabel('Title').fill('Mia & Leo — wedding');
      await page.getByLabel('Message').fill('Congratulations!\nHere are your photos.');
      await page.getByLabel('Recipients').fill('mia@example.com,\nleo@example.com');
      await expires.fill(localDate(10));
      await page.getByLabel('Download limit').fill('10');
      await page.getByLabel('Allow downloading originals').uncheck();
      await page.getByRole('button', { name: 'Create delivery' }).click();

      const created = page.getByTestId('delivery-created');
      await expectText(created.getByRole('heading', { level: 1 }), 'Delivery created');
      await expect(isFocused(created.getByRole('heading', { level: 1 }))).resolves.toBe(true);
      await expectText(page.getByLabel('Delivery link'), `${env.origin}/d/${fake.delivery('d1').token}`);
      await expectText(page.getByLabel('Delivery code'), fake.delivery('d1').code);
      await expectText(page.getByTestId('shown-once-warning'), /^Copy the link and the code now/);
      await expectText(page.getByTestId('delivery-emailed'), 'We emailed the link and the code to mia@example.com and leo@example.com, in two separate emails.');
      await expect(page.getByRole('button', { name: 'Copy link' }).count()).resolves.toBe(1);
      await expect(page.getByRole('button', { name: 'Copy code' }).count()).resolves.toBe(1);
      expect(fake.bodiesOf('POST /api/deliveries')).toEqual([
        {
          fileIds: ['f1', 'f2'],
          title: 'Mia & Leo — wedding',
          message: 'Congratulations!\nHere are your photos.',
          recipients: ['mia@example.com', 'leo@example.com'],
          expiresAt: endOfLocalDay(10),
          downloadLimit: 10,
          allowOriginals: false,
          allowZip: true,
        },
      ]);

      await page.getByRole('link', { name: 'Go to the delivery' }).click();
      await page.waitForURL(`${env.origin}/deliveries/d1`);
      await expectText(page.getByRole('heading', { level: 1 }), 'Mia & Leo — wedding');
      await expectText(page.getByRole('table', { name: 'Activity' }).locator('tbody tr').first(), /Delivery created/);
      // The secrets are not on the delivery's page.
      await expect(page.getByLabel('Delivery code').count()).resolves.toBe(0);
    });
  });

  it('delivers an album from its header, and lists the deliveries with their status and counts', async () => {
    await withDeliveries(async (page, fake) => {
      fake.addDelivery({ title: 'Portraits', status: 'active', downloadCount: 3, downloadLimit: 10, viewCount: 4 });
      fake.addDelivery({ title: 'Old shoot', status: 'expired', lastActivityAt: null });
      await page.goto(`${env.origin}/library/albums/a-wedding`);
      await page.getByRole('link', { name: 'Deliver album' }).click();
      await page.waitForURL(`${env.origin}/deliveries/new?album=a-wedding`);
      await expectText(page.getByTestId('delivery-contents'), 'Every photo in the album “Wedding” (2 photos). Choose others');
      await page.getByLabel('Title').fill('The wedding');
      await page.getByLabel('Download limit').fill('');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await expectText(page.getByTestId('delivery-emailed'), /^No emails were sent, as you added no recipients\./);
      const [body] = fake.bodiesOf('POST /api/deliveries') as Array<Record<string, unknown>>;
      expect(body).toMatchObject({ albumId: 'a-wedding', title: 'The wedding', message: '', recipients: [], allowOriginals: true, allowZip: true });
      expect(body).not.toHaveProperty('fileIds');
      expect(body).not.toHaveProperty('downloadLimit');

      await page.getByRole('link', { name: 'All deliveries' }).click();
      await page.waitForURL(`${env.origin}/deliveries`);
      const table = page.getByTestId('deliveries-table');
      await expectText(table.getByTestId('delivery-row-d1'), /^Portraits Active .+ 2 files · 48 MB 4 3 \/ 10 .+$/);
      await expectText(table.getByTestId('delivery-row-d2'), /^Old shoot Expired .+ 0 None yet$/);
      await expect(table.locator('tbody tr').count()).resolves.toBe(3);
      await page.getByRole('link', { name: 'Portraits' }).click();
      await page.waitForURL(`${env.origin}/deliveries/d1`);
    });
  });

  it('edits, extends, issues a new code, resends and revokes a delivery, with its activity', async () => {
    await withDeliveries(async (page, fake) => {
      const record = fake.addDelivery({ title: 'Portraits', recipients: ['mia@example.com'], downloadLimit: 10, downloadCount: 3 });
      fake.addEvent(record, { kind: 'code_failed', client: { device: 'Firefox on Windows', place: 'Lyon, France' } });
      fake.addEvent(record, { kind: 'file_downloaded', fileId: 'f1', fileName: 'f1.jpg', client: { device: 'Safari on iPhone', place: 'Paris, France' } });
      await page.goto(`${env.origin}/deliveries/d1`);
      const activity = page.getByRole('table', { name: 'Activity' });
      await expectText(activity.locator('tbody tr').nth(0), /Downloaded f1\.jpg Safari on iPhone · Paris, France$/);
      await expectText(activity.locator('tbody tr').nth(1), /Wrong code entered Firefox on Windows · Lyon, France$/);
      await expect(page.getByTestId('delivery-files').locator('img').count()).resolves.toBe(2);

      await page.getByRole('button', { name: 'Edit' }).click();
      await expect(isFocused(page.getByLabel('Title'))).resolves.toBe(true);
      await expect(page.getByLabel('Download limit').inputValue()).resolves.toBe('10');
      await page.getByLabel('Title').fill('Portraits, final');
      await page.getByLabel('Download limit').fill('');
      await page.getByLabel('Offer download all (ZIP)').uncheck();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expectText(page.getByTestId('delivery-status-message'), 'Saved your changes.');
      await expectText(page.getByRole('heading', { level: 1 }), 'Portraits, final');
      await expect(isFocused(page.getByRole('button', { name: 'Edit' }))).resolves.toBe(true);
      expect(fake.bodiesOf('PATCH /api/deliveries/d1')).toEqual([{ title: 'Portraits, final', downloadLimit: null, allowZip: false }]);

      await page.getByRole('button', { name: 'Extend' }).click();
      await page.getByLabel('New expiry date').fill(localDate(60));
      await page.getByRole('button', { name: 'Save expiry date' }).click();
      await expectText(page.getByTestId('delivery-status-message'), /^Extended: it can be opened until /);
      expect(fake.bodiesOf('PATCH /api/deliveries/d1')[1]).toEqual({ expiresAt: endOfLocalDay(60) });

      await page.getByRole('button', { name: 'New code' }).click();
      const codeDialog = page.getByRole('dialog', { name: 'Issue a new code?' });
      await expect(codeDialog.getByLabel('Email it to the recipients').isChecked()).resolves.toBe(true);
      await codeDialog.getByRole('button', { name: 'Issue new code' }).click();
      await codeDialog.waitFor({ state: 'detached' });
      await expectText(page.getByLabel('Delivery code'), fake.delivery('d1').code);
      await expect(page.getByLabel('Delivery link').count()).resolves.toBe(0);
      await expectText(page.getByTestId('delivery-emailed'), 'We emailed the new code to mia@example.com.');
      expect(fake.bodiesOf('POST /api/deliveries/d1/code')).toEqual([{ sendToRecipients: true }]);
      await page.getByRole('button', { name: 'Done' }).click();
      await expect(page.getByLabel('Delivery code').count()).resolves.toBe(0);

      await page.getByRole('button', { name: 'Resend' }).click();
      const resendDialog = page.getByRole('dialog', { name: 'Send a new link and code?' });
      await expectText(resendDialog.locator('.dialog-body'), /The old link stops working, and so does the old code\.$/);
      await resendDialog.getByRole('button', { name: 'Send new link and code' }).click();
      await resendDialog.waitFor({ state: 'detached' });
      await expectText(page.getByLabel('Delivery link'), `${env.origin}/d/${fake.delivery('d1').token}`);
      await expectText(page.getByLabel('Delivery code'), fake.delivery('d1').code);
      expect(fake.requests('POST /api/deliveries/d1/resend')).toHaveLength(1);

      await page.getByRole('button', { name: 'Revoke' }).click();
      const revokeDialog = page.getByRole('dialog', { name: 'Revoke “Portraits, final”?' });
      await expect(isFocused(revokeDialog.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
      await revokeDialog.getByRole('button', { name: 'Revoke delivery' }).click();
      await revokeDialog.waitFor({ state: 'detached' });
      await expectText(page.getByTestId('delivery-status'), /^Revoked Revoked on .+: it can’t be opened any more\.$/);
      await expect(page.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
      await expect(isFocused(page.getByRole('heading', { level: 1 }))).resolves.toBe(true);

      // Something happens meanwhile: Refresh shows it.
      fake.addEvent(record, { kind: 'opened', client: { device: 'Chrome on Android', place: 'Nice, France' } });
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expectText(activity.locator('tbody tr').first(), /Opened with the code Chrome on Android · Nice, France$/);
    });
  });
});

describe('deliveries UI: the client', () => {
  it('asks for the code, explains a wrong one, then shows the gallery with previews and downloads', async () => {
    await withDeliveries(async (page, fake) => {
      const record = fake.addDelivery({ title: 'Mia & Leo', message: 'Enjoy!', downloadLimit: 10, downloadCount: 2 });
      fake.wrongCodeAnswers.push(apiError(401, 'delivery_code_incorrect', 'That code isn’t right. 4 attempts left.'));
      await page.goto(`${env.origin}/d/${record.token}`);

      const code = page.getByLabel('Code', { exact: true });
      await expectText(page.getByRole('heading', { level: 1 }), 'Enter the code you received by email');
      await expect(isFocused(code)).resolves.toBe(true);
      await expect(code.getAttribute('inputmode')).resolves.toBe('numeric');
      await expect(code.getAttribute('autocomplete')).resolves.toBe('one-time-code');
      await expect(page.getByTestId('app-shell').count()).resolves.toBe(0);

      await code.fill('1234');
      await page.getByRole('button', { name: 'Open' }).click();
      await expectText(page.getByTestId('delivery-code-error'), 'Enter the 8-digit code from the email.');
      await code.fill('1111 2222');
      await expect(code.inputValue()).resolves.toBe('11112222');
      await page.getByRole('button', { name: 'Open' }).click();
      await expectText(page.getByTestId('delivery-code-error'), 'That code isn’t right. 4 attempts left.');

      await code.fill(record.code);
      await page.getByRole('button', { name: 'Open' }).click();
      const gallery = page.getByTestId('gallery');
      await expectText(gallery.getByRole('heading', { level: 1 }), 'Mia & Leo');
      await expect(isFocused(gallery.getByRole('heading', { level: 1 }))).resolves.toBe(true);
      await expectText(page.getByTestId('client-studio'), 'Studio Lumière');
      await expectText(page.getByTestId('gallery-message'), 'Enjoy!');
      await expectText(page.getByTestId('gallery-size'), '2 files, 48 MB');
      await expectText(page.getByTestId('downloads-left'), '8 downloads left');
      expect(fake.bodiesOf(`POST /api/d/${record.token}/open`)).toEqual([{ code: '11112222', remember: true }, { code: record.code, remember: true }]);
      const thumbnail = page.getByTestId('gallery-tile-f1').locator('img');
      await eventually(() => isDecoded(thumbnail)).toBe(true);

      // The large preview: next and previous go round, Escape closes and gives focus back.
      await page.getByRole('button', { name: 'View f1.jpg' }).click();
      const lightbox = page.getByRole('dialog', { name: 'f1.jpg' });
      await eventually(() => isDecoded(lightbox.getByTestId('lightbox-image'))).toBe(true);
      await expectText(lightbox.locator('.lightbox-count'), '1 of 2');
      await page.keyboard.press('ArrowRight');
      await expectText(page.getByRole('dialog').getByRole('heading'), 'f2.jpg');
      await page.getByRole('dialog').getByRole('button', { name: 'Next photo: f1.jpg' }).click();
      await expectText(page.getByRole('dialog').getByRole('heading'), 'f1.jpg');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await expect(isFocused(page.getByRole('button', { name: 'View f1.jpg' }))).resolves.toBe(true);

      // Originals are offered: the size is asked, the original chosen by default.
      await page.getByRole('button', { name: 'Download f2.jpg' }).click();
      const sizes = page.getByRole('dialog', { name: 'Download f2.jpg' });
      await expect(sizes.getByRole('radio', { name: /^Original/ }).isChecked()).resolves.toBe(true);
      const [download] = await Promise.all([page.waitForEvent('download'), sizes.getByRole('button', { name: 'Download', exact: true }).click()]);
      expect(download.suggestedFilename()).toBe('f2.jpg');
      expect(fake.bodiesOf(`POST /api/d/${record.token}/files/f2/download-url`)).toEqual([{ size: 'original' }]);
      expect(fake.requests(`POST /api/d/${record.token}/files/f2/download-url`)).toHaveLength(1);
      await expectText(page.getByTestId('gallery-status'), 'Downloading “f2.jpg”…');
      await expectText(page.getByTestId('downloads-left'), '7 downloads left'); // asked again a moment later

      // A plain link with `download`: Chromium fetches it outside page.route, so it is not followed here.
      const zip = page.getByRole('link', { name: 'Download all (ZIP)' });
      await expect(zip.getAttribute('href')).resolves.toBe(`/api/d/${record.token}/zip`);
      await expect(zip.getAttribute('download')).resolves.toBe('');
      expect(fake.requests('GET /api/me')).toHaveLength(0);
    });
  });

  it('says when too many wrong codes locked the delivery, or the network made too many attempts', async () => {
    await withDeliveries(async (page, fake) => {
      const record = fake.addDelivery({});
      fake.wrongCodeAnswers.push(
        apiError(423, 'delivery_locked', 'Locked.', { 'Retry-After': '900' }),
        apiError(429, 'rate_limited', 'Slow down.', { 'Retry-After': '45' }),
      );
      await page.goto(`${env.origin}/d/${record.token}`);
      await page.getByLabel('Code', { exact: true }).fill('00000000');
      await page.getByRole('button', { name: 'Open' }).click();
      await expectText(page.getByTestId('delivery-code-error'), 'Too many wrong codes. Try again in 15 minutes.');
      await page.getByRole('button', { name: 'Open' }).click();
      await expectText(page.getByTestId('delivery-code-error'), 'Too many attempts from your network. Try again in 45 seconds.');
    });
  });

  it('offers previews only when originals are not allowed, and no ZIP when it is not offered', async () => {
    await withDeliveries(async (page, fake) => {
      const record = fake.addDelivery({ allowOriginals: false, allowZip: false });
      fake.openSession(record);
      await page.goto(`${env.origin}/d/${record.token}`);
      await expectText(page.getByTestId('previews-only'), 'Your photographer offers the photos in web size (JPEG, up to 2048 px) for download. The original files are not offered.');
      // An arrow to the eye; the file's name is there for screen readers.
      await expect(page.getByRole('button', { name: 'Download f1.jpg' }).locator('.visually-hidden').textContent()).resolves.toBe('Download f1.jpg');
      await expect(page.getByRole('link', { name: 'Download all (ZIP)' }).count()).resolves.toBe(0);
      await expect(page.getByTestId('downloads-left').count()).resolves.toBe(0);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download f1.jpg' }).click()]);
      // No choice to make: the web size at once.
      expect(download.suggestedFilename()).toBe('f1-web.jpg');
      expect(fake.bodiesOf(`POST /api/d/${record.token}/files/f1/download-url`)).toEqual([{ size: 'web' }]);
    });
  });

  it('shows a friendly page for an unknown link and for an ended delivery, never the files', async () => {
    await withDeliveries(async (page, fake) => {
      await page.goto(`${env.origin}/d/no-such-token`);
      await expectText(page.getByRole('heading', { level: 1 }), 'This link is not valid');
      // A link with more glued to its end (as some email apps do) is longer than any token: the server refuses it outright.
      await page.goto(`${env.origin}/d/${'x'.repeat(101)}`);
      await expectText(page.getByRole('heading', { level: 1 }), 'This link is not valid');

      const expired = fake.addDelivery({ title: 'Expired' });
      expired.ended = 'delivery_expired';
      await page.goto(`${env.origin}/d/${expired.token}`);
      await expectText(page.getByRole('heading', { level: 1 }), 'This delivery is no longer available');
      await expectText(page.getByTestId('delivery-ended'), /It was available until a set date, and that date has passed\. If you still need your photos, please contact your photographer/);
      await expect(page.getByLabel('Code', { exact: true }).count()).resolves.toBe(0);
      await expect(page.locator('img').count()).resolves.toBe(0);
    });
  });

  it('goes back to the code when the session ends, and to the ended page when the delivery is revoked meanwhile', async () => {
    await withDeliveries(async (page, fake) => {
      const record = fake.addDelivery({});
      fake.openSession(record);
      await page.goto(`${env.origin}/d/${record.token}`);
      await page.getByTestId('gallery').waitFor();

      fake.forgetSessions(); // the photographer issued a new code
      await page.getByRole('button', { name: 'Download f1.jpg' }).click();
      await page.getByTestId('download-dialog-submit').click();
      await expectText(page.getByRole('heading', { level: 1 }), 'Enter the code you received by email');
      await expectText(page.locator('#delivery-code-description'), /^Please enter the code again\./);

      await page.getByLabel('Code', { exact: true }).fill(record.code);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByTestId('gallery').waitFor();
      record.ended = 'delivery_revoked';
      await page.getByRole('button', { name: 'Download f2.jpg' }).click();
      await page.getByTestId('download-dialog-submit').click();
      await expectText(page.getByRole('heading', { level: 1 }), 'This delivery is no longer available');
      await expectText(page.getByTestId('delivery-ended'), /The photographer has withdrawn it\. If you still need your photos, please contact your photographer at Studio Lumière/);
      await expect(page.getByTestId('gallery').count()).resolves.toBe(0);
    });
  });
});

// ---------------------------------------------------------------------------------------
// The fake deliveries API, answering with the server's own types (checked by the typecheck)

interface DeliveryRecord {
  delivery: DeliveryView;
  token: string;
  code: string;
  fileIds: string[];
  events: DeliveryEvent[];
  /** Set: the client's calls answer 410 with this code. */
  ended: string | null;
}

const FILE_SIZE = 24_000_000;
const LIBRARY_FILES = ['f1', 'f2', 'f3'];
const ALBUM: AlbumView = { id: 'a-wedding', name: 'Wedding', fileCount: 2, createdAt: '2026-02-01T10:00:00Z', updatedAt: '2026-02-01T10:00:00Z' };

/** The deliveries API in memory, with just enough of the library (files f1–f3, the album "Wedding") to start one. */
class FakeDeliveries extends StubbedRoutes {
  private readonly records: DeliveryRecord[] = [];
  private readonly sessions = new Set<string>();
  private nextId = { delivery: 1, event: 1, secret: 1 };
  /** Answers to wrong codes, in turn; a wrong code with none left is simply incorrect. */
  readonly wrongCodeAnswers: StubAnswer[] = [];

  addDelivery(overrides: Partial<DeliveryView>, fileIds = ['f1', 'f2']): DeliveryRecord {
    const id = `d${this.nextId.delivery++}`;
    const record: DeliveryRecord = {
      delivery: {
        id,
        title: `Delivery ${id}`,
        message: '',
        recipients: [],
        status: 'active',
        createdAt: '2026-03-01T10:00:00Z',
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        revokedAt: null,
        lockedUntil: null,
        downloadLimit: null,
        downloadCount: 0,
        viewCount: 0,
        allowOriginals: true,
        allowZip: true,
        fileCount: fileIds.length,
        totalBytes: fileIds.length * FILE_SIZE,
        lastActivityAt: '2026-03-02T10:00:00Z',
        coverFileId: null,
        watermark: null,
        ...overrides,
      },
      ...this.secrets(),
      fileIds,
      events: [],
      ended: null,
    };
    this.records.push(record);
    this.addEvent(record, { kind: 'created' });
    return record;
  }

  addEvent(record: DeliveryRecord, event: Partial<DeliveryEvent> & Pick<DeliveryEvent, 'kind'>): void {
    record.events.unshift({ id: `e${this.nextId.event++}`, at: new Date().toISOString(), fileId: null, fileName: null, client: null, ...event });
  }

  delivery(id: string): DeliveryRecord {
    const record = this.records.find((candidate) => candidate.delivery.id === id);
    if (!record) throw new Error(`No delivery ${id}`);
    return record;
  }

  /** As if the client had entered the code in this browser. */
  openSession(record: DeliveryRecord): void {
    this.sessions.add(record.token);
  }

  forgetSessions(): void {
    this.sessions.clear();
  }

  protected answer(method: string, url: URL, request: RecordedRequest): StubAnswer | undefined {
    const path = url.pathname;
    const body = (request.body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;

    // The library, as far as starting a delivery needs it.
    if (method === 'GET' && path === '/api/me') return { json: { user: makeUser() } };
    if (method === 'GET' && path === '/api/vault/usage') return { json: { usedBytes: 0, quotaBytes: null } };
    if (method === 'GET' && path === '/api/vault/albums') return { json: { albums: [ALBUM] } };
    if (method === 'GET' && path === '/api/vault/files') {
      const ids = url.searchParams.get('albumId') === ALBUM.id ? ['f1', 'f2'] : LIBRARY_FILES;
      return { json: { files: ids.map((id) => this.libraryFile(id)), nextCursor: null } };
    }
    if (method === 'GET' && (match = /^\/api\/files\/(f\d)\/thumbnail$/.exec(path))) return png(match[1] ?? '');

    // Proofing, not offered on these deliveries (e2e/teams-proofing-journey.test.ts uses it for real).
    if (method === 'GET' && /^\/api\/deliveries\/d\d+\/proofing\/selections$/.test(path)) return { json: { proofing: { enabled: false, favouriteLimit: null }, lists: [] } };
    if (method === 'GET' && /^\/api\/d\/[^/]+\/proofing$/.test(path)) return { json: { proofing: { enabled: false, favouriteLimit: null }, list: null } };

    // The photographer's side.
    if (method === 'GET' && path === '/api/deliveries') return { json: { deliveries: this.records.toReversed().map((record) => record.delivery) } };
    if (method === 'POST' && path === '/api/deliveries') {
      const fileIds = typeof body.albumId === 'string' ? ['f1', 'f2'] : (body.fileIds as string[]);
      const record = this.addDelivery(
        {
          title: String(body.title),
          message: String(body.message),
          recipients: body.recipients as string[],
          expiresAt: String(body.expiresAt),
          downloadLimit: (body.downloadLimit as number | undefined) ?? null,
          allowOriginals: Boolean(body.allowOriginals),
          allowZip: Boolean(body.allowZip),
          lastActivityAt: null,
        },
        fileIds,
      );
      return { status: 201, json: { delivery: record.delivery, access: this.access(record) } };
    }
    if ((match = /^\/api\/deliveries\/(d\d+)(\/[a-z]+)?$/.exec(path))) {
      const record = this.records.find((candidate) => candidate.delivery.id === match?.[1]);
      if (!record) return apiError(404, 'delivery_not_found', 'No such delivery.');
      switch (`${method} ${match[2] ?? ''}`) {
        case 'GET ':
          return { json: { delivery: record.delivery, files: record.fileIds.map((id) => this.libraryFile(id)), sets: [] } };
        case 'PATCH ':
          Object.assign(record.delivery, body);
          this.addEvent(record, { kind: 'updated' });
          return { json: { delivery: record.delivery } };
        case 'POST /revoke':
          Object.assign(record.delivery, { status: 'revoked', revokedAt: new Date().toISOString() });
          this.addEvent(record, { kind: 'revoked' });
          return { json: { delivery: record.delivery } };
        case 'POST /code':
          record.code = this.secrets().code;
          this.addEvent(record, { kind: 'code_regenerated' });
          return { json: { delivery: record.delivery, code: record.code } };
        case 'POST /resend':
          Object.assign(record, this.secrets());
          this.addEvent(record, { kind: 'resent' });
          return { json: { delivery: record.delivery, access: this.access(record) } };
        case 'GET /events':
          return { json: { events: record.events } };
      }
      return undefined;
    }

    // The client's side.
    if ((match = /^\/api\/d\/([^/]+)(\/.*)$/.exec(path))) {
      if ((match[1] ?? '').length > 100) return apiError(400, 'validation_failed', 'params.token must NOT have more than 100 characters.');
      const record = this.records.find((candidate) => candidate.token === match?.[1]);
      if (!record) return apiError(404, 'delivery_not_found', 'This link is not valid.');
      if (record.ended !== null) return apiError(410, record.ended, 'This delivery has ended.');
      const rest = match[2] ?? '';
      if (method === 'POST' && rest === '/open') {
        if (body.code !== record.code) return this.wrongCodeAnswers.shift() ?? apiError(401, 'delivery_code_incorrect', 'That code isn’t right.');
        this.sessions.add(record.token);
        return { json: { delivery: this.clientDelivery(record) } };
      }
      // The studio's look, shown before the code.
      if (method === 'GET' && rest === '/branding') return { json: { branding: this.clientDelivery(record).branding } };
      if (!this.sessions.has(record.token)) return apiError(401, 'delivery_code_required', 'Enter the code first.');
      if (method === 'GET' && rest === '/files') {
        return { json: { delivery: this.clientDelivery(record), files: record.fileIds.map((id) => this.clientFile(record, id)), sets: [] } };
      }
      if (method === 'POST' && (match = /^\/files\/(f\d)\/download-url$/.exec(rest))) {
        const variant = body.size === 'web' ? 'web' : record.delivery.allowOriginals ? 'original' : 'preview';
        return { json: { url: this.signed(record, match[1] ?? '', variant, 'download'), expiresAt: new Date(Date.now() + 300_000).toISOString() } };
      }
      return undefined;
    }
    if (method === 'GET' && (match = /^\/api\/delivery-files\/(d\d+)\/(f\d)\/(original|preview|thumbnail|web)$/.exec(path))) {
      const record = this.delivery(match[1] ?? '');
      const fileId = match[2] ?? '';
      if (url.searchParams.get('sig') !== 'test') return undefined;
      if (url.searchParams.get('as') === 'inline') return png(fileId, match[3] === 'preview' ? 3 : 2);
      record.delivery.downloadCount += 1;
      const name = match[3] === 'original' ? `${fileId}.jpg` : match[3] === 'web' ? `${fileId}-web.jpg` : `${fileId}-preview.webp`;
      return { body: Buffer.from('photo bytes'), headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"` } };
    }
    return undefined;
  }

  private secrets(): { token: string; code: string } {
    const n = this.nextId.secret++;
    return { token: `tok${n}`.padEnd(43, 'x'), code: String(12_345_670 + n).padStart(8, '0') };
  }

  private access(record: DeliveryRecord): { url: string; code: string } {
    return { url: `${env.origin}/d/${record.token}`, code: record.code };
  }

  private clientDelivery({ delivery }: DeliveryRecord): ClientDelivery {
    return {
      title: delivery.title,
      message: delivery.message,
      studioName: 'Studio Lumière',
      branding: { name: 'Studio Lumière', accentColor: null, contactEmail: null, contactPhone: null, website: null, signature: null, logoVersion: null },
      expiresAt: delivery.expiresAt,
      allowOriginals: delivery.allowOriginals,
      // As the server: a watermarked delivery without originals has no ZIP.
      allowZip: delivery.allowZip && (delivery.watermark === null || delivery.allowOriginals),
      fileCount: delivery.fileCount,
      totalBytes: delivery.totalBytes,
      downloadsLeft: delivery.downloadLimit === null ? null : delivery.downloadLimit - delivery.downloadCount,
      viewOnly: delivery.downloadLimit !== null && delivery.downloadCount >= delivery.downloadLimit,
      createdAt: delivery.createdAt,
      coverFileId: delivery.coverFileId,
      watermarked: delivery.watermark !== null,
    };
  }

  private clientFile(record: DeliveryRecord, id: string): ClientFile {
    return {
      ...photo(id),
      thumbnailUrl: this.signed(record, id, 'thumbnail'),
      previewUrl: this.signed(record, id, 'preview'),
      setId: null,
      capturedAt: null,
      thumbhash: null,
    };
  }

  /** A signed link to show (`inline`) or to download (`download`, sent as an attachment). */
  private signed(record: DeliveryRecord, fileId: string, variant: string, as: 'inline' | 'download' = 'inline'): string {
    return `${env.origin}/api/delivery-files/${record.delivery.id}/${fileId}/${variant}?as=${as}&exp=9999999999&kv=1&sig=test`;
  }

  private libraryFile(id: string): FileView {
    return {
      ...photo(id),
      albumIds: id === 'f3' ? [] : [ALBUM.id],
      status: 'ready',
      failureReason: null,
      uploadedAt: '2026-02-14T15:30:00Z',
      capturedAt: null,
      deletedAt: null,
      thumbnailUrl: `${env.origin}/api/files/${id}/thumbnail?sig=test`,
      previewUrl: null,
    };
  }
}

/** What the photographer's library and the client's gallery both say of a photo. */
function photo(id: string) {
  return { id, name: `${id}.jpg`, type: 'image/jpeg', size: FILE_SIZE, sha256: id.padEnd(64, '0'), width: 6240, height: 4160 };
}

function png(fileId: string, aspect = 2): StubAnswer {
  return { body: tinyPng(Number(fileId.slice(1)), aspect), headers: { 'content-type': 'image/png' } };
}

/** Runs `test` on a fresh page whose API is the fake, signed in as a photographer (the client's page never asks). */
function withDeliveries(test: (page: Page, fake: FakeDeliveries) => Promise<void>): Promise<void> {
  return withStubbedPage(env, new FakeDeliveries(), test);
}

// ---------------------------------------------------------------------------------------
// Dates, as the browser (same machine, same time zone) reads them

function localDate(daysFromToday: number): string {
  const day = new Date();
  day.setDate(day.getDate() + daysFromToday);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

function endOfLocalDay(daysFromToday: number): string {
  const day = new Date();
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + daysFromToday, 23, 59, 59, 999).toISOString();
}
