/**
 * "Download all" of a client delivery (docs/deliveries.md) through a real Shutterlock server,
 * beside baselines run in the same place. BENCH_DELIVERY_FILES originals (default 5) of
 * BENCH_DELIVERY_FILE_MIB each (default 1024: 5 GiB in all, past 4 GiB, so the archive needs
 * ZIP64) are uploaded to a studio that encrypts at rest, and put in two deliveries: the first
 * file alone, and all of them. A client opens each with its code and, median of RUNS runs:
 *   - downloads the ZIP (GET /api/d/<token>/zip), hashing and dropping it;
 *   - downloads the same originals one by one through the delivery's signed file links: the
 *     same bytes decrypted and verified by the server, without the ZIP;
 *   - gets the source files one by one from Debian's nginx, straight from the disk.
 * It prints MiB/s, the ZIP's ratio to the one-by-one downloads and to nginx, and the server's
 * peak RSS during each (its high-water mark reset before each) beside its RSS at rest: a ZIP
 * streamed with flat memory has the same peak for one file as for all of them.
 * Then the large ZIP is downloaded once more, to disk, and read back with yauzl (and Info-ZIP's
 * `unzip -t` when installed): its length is its Content-Length, each entry's SHA-256 is the
 * uploaded file's and the one SHA256SUMS.txt gives, and entries past 4 GiB carry ZIP64 fields.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPromise } from 'yauzl';
import { ciphertextLength } from '../server/src/crypto/chunked.ts';
import { MiB, type Shutterlock, type Transfer, download, median, positiveInteger, run, startNginx, startShutterlock, upload, writeNoiseTiff } from './harness.ts';

const RUNS = 3;
const ZIP32_MAX = 0xffffffff;
const MANIFEST_NAME = 'SHA256SUMS.txt';
/** The ZIP64 extended-information extra field. */
const ZIP64_EXTRA = 0x0001;

interface Original {
  id: string;
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

/** A delivery as its client holds it: the link's token and the session cookie the code gave. */
interface OpenDelivery {
  token: string;
  cookie: string;
  originals: Original[];
}

interface Measured {
  seconds: number[];
  /** The server's RSS when each run started, and its peak during it. */
  startMiB: number[];
  peakMiB: number[];
}

export async function runDeliveriesBench(opts: { dir: string }): Promise<void> {
  const count = positiveInteger('BENCH_DELIVERY_FILES', 5);
  const fileMiB = positiveInteger('BENCH_DELIVERY_FILE_MIB', 1024);
  const dir = join(opts.dir, 'deliveries');
  const sources = join(dir, 'originals');
  const dataDir = join(dir, 'shutterlock');
  await mkdir(sources, { recursive: true });
  const server = await startShutterlock(dataDir, fileMiB);
  try {
    const freshMiB = (await server.memory()).rssMiB;
    const started = performance.now();
    const originals = await uploadOriginals(server, sources, count, fileMiB);
    const uploadedSeconds = (performance.now() - started) / 1000;
    await assertEncryptedAtRest(dataDir, originals);
    const statuses = await settle(server, originals);
    console.log(
      `\ndeliveries: ${count} originals of ${fileMiB} MiB uploaded in ${uploadedSeconds.toFixed(1)} s (stored encrypted); ` +
        `preview jobs over after ${((performance.now() - started) / 1000 - uploadedSeconds).toFixed(1)} s more (${statuses}) before any measurement`,
    );
    const sets = count > 1 ? [originals.slice(0, 1), originals] : [originals];
    const deliveries: OpenDelivery[] = [];
    for (const set of sets) deliveries.push(await openAsClient(server, await createDelivery(server, set)));
    await timings(server, dir, sources, deliveries, freshMiB);
    // The sources are no longer needed: room for the archive on disk.
    await rm(sources, { recursive: true, force: true });
    await verifyZip(server, dir, deliveries.at(-1) as OpenDelivery);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// ——— The photographer's side ———

async function uploadOriginals(server: Shutterlock, sources: string, count: number, fileMiB: number): Promise<Original[]> {
  const originals: Original[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `IMG_${String(index).padStart(4, '0')}.tif`;
    const path = join(sources, name);
    const sha256 = await writeNoiseTiff(path, fileMiB);
    const bytes = (await stat(path)).size;
    await run('sync');
    const uploaded = await upload(`${server.url}/api/vault/files`, 'POST', path, bytes, { cookie: server.cookie, 'sec-fetch-site': 'same-origin', 'x-file-name': name });
    if (uploaded.status !== 201) throw new Error(`Upload of ${name} failed: ${uploaded.status} ${uploaded.body}`);
    originals.push({ id: (JSON.parse(uploaded.body) as { file: { id: string } }).file.id, name, path, bytes, sha256 });
  }
  return originals;
}

/** Each original is a blob of its ciphertext's length (crypto/chunked.ts): the studio encrypts at rest. */
async function assertEncryptedAtRest(dataDir: string, originals: Original[]): Promise<void> {
  const sizes: number[] = [];
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) sizes.push((await stat(join(entry.parentPath, entry.name))).size);
  }
  for (const original of originals) {
    const at = sizes.indexOf(ciphertextLength(original.bytes));
    if (at < 0) throw new Error(`${original.name} is not stored encrypted: no blob of ${ciphertextLength(original.bytes)} bytes.`);
    sizes.splice(at, 1);
  }
}

/** Waits until the vault is done with the uploads (previews made or given up), so that no job runs beside the measurements. */
async function settle(server: Shutterlock, originals: Original[]): Promise<string> {
  const statuses = new Map<string, string>();
  for (;;) {
    for (const original of originals) {
      const { body } = await server.request('GET', `/api/vault/files/${original.id}`);
      statuses.set(original.id, (body as { file: { status: string } }).file.status);
    }
    const values = [...statuses.values()];
    if (!values.includes('processing')) return [...new Set(values)].map((status) => `${values.filter((value) => value === status).length} ${status}`).join(', ');
    await sleep(250);
  }
}

async function createDelivery(server: Shutterlock, originals: Original[]): Promise<{ url: string; code: string; originals: Original[] }> {
  const { status, body } = await server.request('POST', '/api/deliveries', { title: `Bench: ${originals.length} originals`, fileIds: originals.map((original) => original.id) });
  if (status !== 201) throw new Error(`createDelivery answered ${status}: ${JSON.stringify(body)}`);
  return { ...(body as { access: { url: string; code: string } }).access, originals };
}

// ——— The client's side ———

async function openAsClient(server: Shutterlock, access: { url: string; code: string; originals: Original[] }): Promise<OpenDelivery> {
  const token = new URL(access.url).pathname.split('/').pop() ?? '';
  const response = await fetch(`${server.url}/api/d/${token}/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ code: access.code }),
  });
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith('sl_delivery='));
  if (response.status !== 200 || !line) throw new Error(`openDelivery answered ${response.status}: ${await response.text()}`);
  // The cookie belongs to this delivery's API alone; every request below stays under that path.
  if (!line.split(';').some((attribute) => attribute.trim() === `Path=/api/d/${token}`)) throw new Error(`The delivery cookie is not scoped to /api/d/${token}: ${line}`);
  return { token, cookie: line.split(';')[0] as string, originals: access.originals };
}

function zipDownload(server: Shutterlock, delivery: OpenDelivery): Promise<Transfer> {
  return download(`${server.url}/api/d/${delivery.token}/zip`, { cookie: delivery.cookie });
}

/** As the client page does it: a signed link for each file, then the file. */
async function oneByOne(server: Shutterlock, delivery: OpenDelivery): Promise<number> {
  const started = performance.now();
  for (const original of delivery.originals) {
    const response = await fetch(`${server.url}/api/d/${delivery.token}/files/${original.id}/download-url`, {
      method: 'POST',
      headers: { cookie: delivery.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: '{}',
    });
    if (response.status !== 200) throw new Error(`createDeliveryDownloadUrl answered ${response.status}: ${await response.text()}`);
    const { url } = (await response.json()) as { url: string };
    const got = await download(`${server.url}${url}`);
    if (got.sha256 !== original.sha256 || got.bytes !== got.contentLength) throw new Error(`The delivery gave back different bytes for ${original.name}.`);
  }
  return (performance.now() - started) / 1000;
}

async function fromNginx(url: string, originals: Original[]): Promise<number> {
  const started = performance.now();
  for (const original of originals) {
    const got = await download(`${url}/${original.name}`);
    if (got.sha256 !== original.sha256) throw new Error(`nginx gave back different bytes for ${original.name}.`);
  }
  return (performance.now() - started) / 1000;
}

// ——— Measurements ———

async function timings(server: Shutterlock, dir: string, sources: string, deliveries: OpenDelivery[], freshMiB: number): Promise<void> {
  const nginx = await startNginx(join(dir, 'nginx'), sources);
  try {
    const restMiB = (await server.memory()).rssMiB;
    const results = deliveries.map(() => ({ zipBytes: 0, zip: { seconds: [], startMiB: [], peakMiB: [] } as Measured, files: { seconds: [], startMiB: [], peakMiB: [] } as Measured, nginx: [] as number[] }));
    for (let index = 0; index < RUNS; index++) {
      for (const [at, delivery] of deliveries.entries()) {
        const result = results[at] as (typeof results)[number];
        if (nginx) {
          await run('sync');
          result.nginx.push(await fromNginx(nginx.url, delivery.originals));
        }
        await run('sync');
        const files = await server.peakDuring(() => oneByOne(server, delivery));
        result.files.seconds.push(files.result);
        result.files.startMiB.push(files.startMiB);
        result.files.peakMiB.push(files.peakMiB);
        await run('sync');
        const zip = await server.peakDuring(() => zipDownload(server, delivery));
        if (zip.result.bytes !== zip.result.contentLength) throw new Error(`The ZIP was ${zip.result.bytes} bytes, its Content-Length ${zip.result.contentLength}.`);
        result.zipBytes = zip.result.bytes;
        result.zip.seconds.push(zip.result.seconds);
        result.zip.startMiB.push(zip.startMiB);
        result.zip.peakMiB.push(zip.peakMiB);
      }
    }

    for (const [at, delivery] of deliveries.entries()) {
      const result = results[at] as (typeof results)[number];
      const fileBytes = delivery.originals.reduce((sum, original) => sum + original.bytes, 0);
      const rate = { files: fileBytes / MiB / median(result.files.seconds), zip: result.zipBytes / MiB / median(result.zip.seconds), nginx: fileBytes / MiB / median(result.nginx) };
      const row = (name: string, seconds: number, mibPerSecond: number, memory: Measured | undefined, ratios: string) =>
        [
          name.padEnd(22),
          `${seconds.toFixed(2).padStart(7)} s`,
          `${mibPerSecond.toFixed(0).padStart(6)} MiB/s`,
          memory === undefined ? ''.padEnd(34) : `server RSS ${Math.min(...memory.startMiB).toFixed(0).padStart(4)} → peak ${Math.max(...memory.peakMiB).toFixed(0).padStart(4)} MiB`,
          ratios,
        ].join('  ').trimEnd();
      const zip64 = result.zipBytes > ZIP32_MAX ? ', ZIP64' : '';
      console.log(
        `\ndelivery "download all": ${delivery.originals.length} × ${Math.floor((delivery.originals[0] as Original).bytes / MiB)} MiB originals, encrypted at rest (ZIP ${(result.zipBytes / MiB).toFixed(1)} MiB${zip64}), median of ${RUNS} runs, byte-exact`,
      );
      if (nginx) console.log(row('nginx GET, one by one', median(result.nginx), rate.nginx, undefined, ''));
      console.log(row('files one by one', median(result.files.seconds), rate.files, result.files, nginx ? `${(rate.files / rate.nginx).toFixed(2).padStart(5)} × nginx` : ''));
      console.log(
        row(
          'ZIP',
          median(result.zip.seconds),
          rate.zip,
          result.zip,
          `${(rate.zip / rate.files).toFixed(2).padStart(5)} × one by one${nginx ? `  ${(rate.zip / rate.nginx).toFixed(2)} × nginx` : ''}`,
        ),
      );
    }
    const peaks = (pick: (result: (typeof results)[number]) => Measured) => results.map((result) => `${Math.max(...pick(result).peakMiB).toFixed(0)} MiB`).join(' / ');
    const sizes = deliveries.map((delivery) => `${delivery.originals.length} file${delivery.originals.length === 1 ? '' : 's'}`).join(' / ');
    console.log(
      `Shutterlock server RSS: ${freshMiB.toFixed(0)} MiB started, ${restMiB.toFixed(0)} MiB at rest after the uploads; peak (${sizes}) one by one ${peaks((result) => result.files)}, ZIP ${peaks((result) => result.zip)}`,
    );
  } finally {
    await nginx?.stop();
  }
}

// ——— The archive, read back ———

function saveTo(url: string, headers: Record<string, string>, path: string): Promise<{ bytes: number; contentLength: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${url} answered ${response.statusCode}`));
        const contentLength = Number(response.headers['content-length'] ?? Number.NaN);
        pipeline(response, createWriteStream(path)).then(async () => resolve({ bytes: (await stat(path)).size, contentLength }), reject);
      })
      .on('error', reject);
  });
}

async function verifyZip(server: Shutterlock, dir: string, delivery: OpenDelivery): Promise<void> {
  const path = join(dir, 'delivery.zip');
  try {
    const saved = await saveTo(`${server.url}/api/d/${delivery.token}/zip`, { cookie: delivery.cookie }, path);
    if (saved.bytes !== saved.contentLength) throw new Error(`The ZIP on disk is ${saved.bytes} bytes, its Content-Length ${saved.contentLength}.`);

    const zip = await openPromise(path, { strictFileNames: true, validateEntrySizes: true });
    const read: { name: string; sha256: string; text: string; offset: number; zip64: boolean }[] = [];
    try {
      for await (const entry of zip.eachEntry()) {
        const hash = createHash('sha256');
        const pieces: Buffer[] = [];
        for await (const piece of await zip.openReadStreamPromise(entry)) {
          hash.update(piece as Buffer);
          if (entry.fileName === MANIFEST_NAME) pieces.push(piece as Buffer);
        }
        const zip64 = entry.extraFields.some(({ id }) => id === ZIP64_EXTRA);
        read.push({ name: entry.fileName, sha256: hash.digest('hex'), text: Buffer.concat(pieces).toString('utf8'), offset: entry.relativeOffsetOfLocalHeader, zip64 });
      }
    } finally {
      zip.close();
    }

    const expectedNames = [...delivery.originals.map((original) => original.name), MANIFEST_NAME];
    if (read.map(({ name }) => name).join('\n') !== expectedNames.join('\n')) throw new Error(`The ZIP holds ${read.map(({ name }) => name).join(', ')}.`);
    const expectedManifest = delivery.originals.map((original) => `${original.sha256}  ${original.name}\n`).join('');
    if (read.at(-1)?.text !== expectedManifest) throw new Error(`${MANIFEST_NAME} differs from the uploads' SHA-256s:\n${read.at(-1)?.text}`);
    for (const [index, original] of delivery.originals.entries()) {
      if (read[index]?.sha256 !== original.sha256) throw new Error(`${original.name} in the ZIP differs from the upload.`);
    }
    const past4GiB = read.filter(({ offset }) => offset > ZIP32_MAX);
    const missing = past4GiB.filter(({ zip64 }) => !zip64);
    if (missing.length > 0) throw new Error(`Entries past 4 GiB without the ZIP64 extra field: ${missing.map(({ name }) => name).join(', ')}`);
    if (saved.bytes > ZIP32_MAX && past4GiB.length === 0) throw new Error('An archive over 4 GiB with no entry past 4 GiB.');

    let infoZip = 'unzip -t: not installed';
    if (existsSync('/usr/bin/unzip')) {
      const { stdout } = await run('/usr/bin/unzip', ['-tq', path]);
      infoZip = `unzip -t: ${stdout.trim()}`;
    }
    console.log(
      `ZIP read back (${(saved.bytes / 2 ** 30).toFixed(2)} GiB = Content-Length): ${read.length - 1} originals and ${MANIFEST_NAME} match the uploads' SHA-256 (yauzl); ` +
        `past 4 GiB with ZIP64 fields: ${past4GiB.map(({ name, offset }) => `${name} at ${(offset / 2 ** 30).toFixed(3)} GiB`).join(', ') || 'none'}; ${infoZip}`,
    );
  } finally {
    await rm(path, { force: true });
  }
}
