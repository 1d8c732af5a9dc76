import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, signInWithCode, signedInClient } from '../server/test/accounts.ts';
import { TestClient } from '../server/test/client.ts';
import { createDelivery, openWithCode, openedVisitor, readZip, tokenOf } from '../server/test/deliveries.ts';
import { noisyPng, photo } from '../server/test/images.ts';
import { type UploadedFile, downloadUrl, readFully, sha256, upload, uploaded } from '../server/test/vault.ts';
import { type Cluster, type Instance, masterKey, missingPrerequisite, startCluster } from './cluster.ts';
import { type LoadReport, startLoad } from './load.ts';

/**
 * Shutterlock as a fleet (issue 19): two instances behind nginx on PostgreSQL, Redis and S3.
 * Everything goes through the balancer; the scenarios run in order on one fleet and build on
 * each other (the photographer, the files and the delivery of the first are used by the rest).
 */

const missing = await missingPrerequisite();
// CI provides every service (.ci/run), so there a missing one is a failure, not a skip (as for S3, server/test/s3-service.ts).
if (missing && process.env.CI) throw new Error(`The cluster suite cannot run under CI: ${missing}.`);
if (missing) console.warn(`\n  NOTICE: the cluster suite is SKIPPED: ${missing}.\n`);

/** What the fleet runs with: short leases and purge delays, so takeovers and clean-ups happen within the test. */
const LEASE_SECONDS = 6;
const STALE_UPLOAD_SECONDS = 8;
const PURGE_INTERVAL_SECONDS = 3;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** An upload body that takes its time (about `pieces` × `delayMs`), so an instance can die in the middle of it. */
function slowStream(bytes: Buffer, delayMs: number, pieceSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close();
      await sleep(delayMs);
      controller.enqueue(bytes.subarray(offset, offset + pieceSize));
      offset += pieceSize;
    },
  });
}

/** As a client would: a failed upload (a 502 from the balancer, a cut connection) is sent again, whole. */
async function uploadWithRetry(client: TestClient, bytes: Buffer, name: string, delayMs: number): Promise<{ file: UploadedFile; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await upload(client, delayMs > 0 && attempt === 1 ? slowStream(bytes, delayMs) : bytes, { name });
      if (result.status === 201) return { file: result.file, attempts: attempt };
      if (![502, 503, 504].includes(result.status) || attempt >= 4) throw new Error(`upload ${name}: ${result.status} ${JSON.stringify(result.error)}`);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
    await sleep(250);
  }
}

async function allFiles(client: TestClient): Promise<UploadedFile[]> {
  const answer = await client.json<{ files: UploadedFile[] }>('GET', '/api/vault/files?limit=200');
  expect(answer.status).toBe(200);
  return answer.body.files;
}

describe.skipIf(missing !== null)('a fleet of two instances behind nginx, on PostgreSQL, Redis and S3', () => {
  let cluster: Cluster;
  const firstKey = masterKey('2026-a');
  const secondKey = masterKey('2026-b');
  let photographer: TestClient;
  let email: string;
  const originals = new Map<string, Buffer>();
  let files: UploadedFile[] = [];
  let delivery: { id: string; url: string; code: string; token: string };
  let visitor: TestClient;

  beforeAll(async () => {
    const started = await startCluster({
      masterKeys: firstKey,
      env: {
        JOB_LEASE_SECONDS: String(LEASE_SECONDS),
        VAULT_STALE_UPLOAD_SECONDS: String(STALE_UPLOAD_SECONDS),
        VAULT_PURGE_INTERVAL_SECONDS: String(PURGE_INTERVAL_SECONDS),
        SHUTDOWN_DRAIN_SECONDS: '1',
        SHUTDOWN_TIMEOUT_SECONDS: '30',
      },
    });
    if (!started) throw new Error('The S3 service could not be started (see the notice above).');
    cluster = started;
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  /** Runs `work` under steady load through the balancer and returns what the load saw. */
  async function underLoad(work: () => Promise<void>): Promise<LoadReport> {
    const file = files[0] as UploadedFile;
    const load = startLoad({ photographer, fileId: file.id, fileSize: file.size, visitor, deliveryToken: delivery.token, balancerUrl: cluster.url });
    let failed: unknown;
    try {
      await sleep(500);
      await work();
      await sleep(500);
    } catch (error) {
      failed = error;
    }
    const report = await load.stop();
    if (failed) throw failed;
    return report;
  }

  /**
   * SIGTERM one instance at a time, each back and ready before the next leaves; `env` changes
   * come with the restart. Each is taken out of nginx's rotation first and put back once ready,
   * as docs/operations.md asks (nginx does not poll /readyz): with passive checks alone, a POST
   * caught in the instant a listener closes is reset, and nginx answers it 502.
   */
  async function rollingRestart(env: Record<string, string> = {}): Promise<void> {
    for (const instance of cluster.instances) {
      expect(instance.running).toBe(true);
      await cluster.balancer.setDown(instance, true);
      const asked = Date.now();
      instance.child?.kill('SIGTERM');
      // Draining: still serving, but no longer ready, so a balancer polling /readyz stops sending work.
      const readiness = await until('readiness false', async () => {
        const status = await fetch(`${instance.url}/readyz`).then((response) => response.status, () => 'refused');
        return status === 200 ? undefined : status;
      }, 10_000);
      expect([503, 'refused']).toContain(readiness);
      expect(await instance.exited).toBe(0);
      const stopped = Date.now();
      instance.env = { ...instance.env, ...env };
      await instance.start();
      console.info(`  ${instance.name}: stopped in ${stopped - asked} ms, ready again in ${Date.now() - stopped} ms`);
      await cluster.balancer.setDown(instance, false);
    }
  }

  it('signs a photographer in on one instance and keeps them working across both; uploads; previews; a delivery and its ZIP, byte-exact', async () => {
    const signedIn = await signedInClient(cluster.server, 'photographer');
    photographer = signedIn.client;
    email = signedIn.user.email;
    // The session works on both instances: a run of requests, round robin, all signed in.
    const answeredBy = new Set<Instance | undefined>();
    for (let round = 0; round < 6; round++) {
      const response = await photographer.request('GET', '/api/account/sessions');
      expect(response.status).toBe(200);
      answeredBy.add(cluster.instanceOf(response));
    }
    expect(answeredBy.size).toBe(2);

    for (let index = 0; index < 4; index++) {
      const bytes = index < 2 ? await photo('jpeg', { width: 640, height: 480 }) : await noisyPng(700, 500);
      const file = await uploaded(photographer, bytes, { name: `first-${index}.${index < 2 ? 'jpg' : 'png'}` });
      originals.set(file.sha256, bytes);
      files.push(file);
    }
    // Previews are made by whichever instance's runner claims each job.
    const ready = await until('previews ready', async () => {
      const listed = await allFiles(photographer);
      return listed.filter((file) => file.status === 'ready').length === 4 ? listed : undefined;
    });
    expect(ready.every((file) => file.thumbnailUrl && file.previewUrl)).toBe(true);

    const created = await createDelivery(photographer, { title: 'Fleet wedding', fileIds: files.map((file) => file.id) });
    delivery = { id: created.delivery.id, url: created.access.url, code: created.access.code, token: created.token };
    visitor = await openedVisitor(cluster.server, created.access);
    const zip = await readFully(await visitor.request('GET', `/api/d/${delivery.token}/zip`));
    expect(zip.complete).toBe(true);
    const entries = await readZip(zip.bytes);
    expect(entries.slice(0, -1).map((entry) => entry.name).sort()).toEqual(files.map((file) => file.name).sort());
    for (const entry of entries.slice(0, -1)) expect(entry.bytes.equals(originals.get(sha256(entry.bytes)) ?? Buffer.alloc(0))).toBe(true);
  });

  it('locks a delivery after the same number of wrong codes spread over both instances as on one', async () => {
    // docs/deliveries.md: the 5th wrong code from one network (an IPv4 address, an IPv6 /64)
    // locks that network out; the 50th over all networks locks the delivery for everyone.
    const here = await createDelivery(photographer, { title: 'Locked here', fileIds: [files[0]?.id] });
    const wrongHere = here.access.code === '00000000' ? '11111111' : '00000000';
    const sameNetwork: string[] = [];
    const instancesHere = new Set<Instance | undefined>();
    for (let attempt = 0; attempt < 6; attempt++) {
      // One address throughout, each request a new connection: the balancer spreads them.
      const answer = await openWithCode(new TestClient(cluster.server, { ip: '198.51.100.200' }), here.token, wrongHere);
      sameNetwork.push(String(answer.status));
      instancesHere.add(cluster.instanceOf(answer));
    }
    expect(instancesHere.size).toBe(2);
    expect(sameNetwork).toEqual(['401', '401', '401', '401', '423', '423']);
    // Only that network: the right code from another one still opens it.
    expect((await openWithCode(new TestClient(cluster.server, { ip: '198.51.100.201' }), here.token, here.access.code)).status).toBe(200);

    const { access, token } = await createDelivery(photographer, { title: 'Locked', fileIds: [files[0]?.id] });
    const outcomes: string[] = [];
    const instances = new Set<Instance | undefined>();
    for (let attempt = 0; attempt < 51; attempt++) {
      // A new address each time: only the delivery's own count (the ceiling) can stop this guesser.
      const guesser = new TestClient(cluster.server, { ip: `198.51.${100 + Math.floor(attempt / 200)}.${(attempt % 200) + 10}` });
      const answer = await openWithCode(guesser, token, access.code === '00000000' ? '11111111' : '00000000');
      outcomes.push(String(answer.status));
      instances.add(cluster.instanceOf(answer));
    }
    expect(instances.size).toBe(2);
    expect(outcomes).toEqual([...Array<string>(49).fill('401'), '423', '423']);
    // Locked means locked on both: even the right code is refused, wherever it lands.
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await openWithCode(new TestClient(cluster.server, { ip: `203.0.113.${attempt + 240}` }), token, access.code);
      expect(answer.status).toBe(423);
    }
  });

  it('counts sign-in limits across both instances as on one', async () => {
    const account = await createAccount(cluster.server, 'photographer', 'limited');
    const outcomes: number[] = [];
    const instances = new Set<Instance | undefined>();
    for (let attempt = 0; attempt < 7; attempt++) {
      const client = new TestClient(cluster.server, { ip: `203.0.113.${attempt + 10}` });
      const response = await client.request('POST', '/api/auth/sign-in/code', { email: account.email });
      outcomes.push(response.status);
      instances.add(cluster.instanceOf(response));
    }
    expect(instances.size).toBe(2);
    // codeRequestPerAccount: 5 in 15 minutes, wherever they were asked.
    expect(outcomes).toEqual([202, 202, 202, 202, 202, 429, 429]);
  });

  it('survives kill -9 of an instance mid-uploads and mid-ZIP: retries succeed on the other, nothing half-written shows, leases are taken over, no orphaned blob stays', async () => {
    // A delivery whose ZIP takes a while to read.
    const big: UploadedFile[] = [];
    for (let index = 0; index < 8; index++) {
      const bytes = await noisyPng(1200, 900);
      const file = await uploaded(photographer, bytes, { name: `big-${index}.png` });
      originals.set(file.sha256, bytes);
      big.push(file);
    }
    const zipDelivery = await createDelivery(photographer, { title: 'Big', fileIds: big.map((file) => file.id) });
    const zipVisitor = await openedVisitor(cluster.server, zipDelivery.access);
    const zipResponse = await zipVisitor.request('GET', `/api/d/${zipDelivery.token}/zip`);
    expect(zipResponse.status).toBe(200);
    const victim = cluster.instanceOf(zipResponse) as Instance;
    expect(victim).toBeDefined();
    const reader = (zipResponse.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();

    // Work the victim's job runner holds at the kill: large photos sent to it directly, so its
    // own runner (woken by the upload) claims their preview jobs at once.
    const direct = new TestClient({ ...cluster.server, url: victim.url } as typeof cluster.server, { ip: photographer.ip });
    for (const [name, value] of photographer.cookies) direct.cookies.set(name, value);
    const leased: UploadedFile[] = [];
    const leaseOne = async () => {
      const bytes = await noisyPng(2400, 1800);
      const file = await uploaded(direct, bytes, { name: `leased-${leased.length}.png` });
      originals.set(file.sha256, bytes);
      leased.push(file);
    };
    for (let index = 0; index < 2; index++) await leaseOne();

    // Uploads in flight on both instances, and a watcher that must never see a file half-written.
    const batch = await Promise.all(Array.from({ length: 6 }, () => noisyPng(600, 500)));
    const expected = new Set(batch.map((bytes) => sha256(bytes)));
    for (const bytes of batch) originals.set(sha256(bytes), bytes);
    let watching = true;
    const seenWrong: string[] = [];
    const watcher = (async () => {
      while (watching) {
        const answer = await photographer.json<{ files: UploadedFile[] }>('GET', '/api/vault/files?limit=200').catch(() => undefined);
        for (const file of answer?.status === 200 ? answer.body.files : []) {
          if (!originals.has(file.sha256) || file.size !== originals.get(file.sha256)?.length) seenWrong.push(`${file.name} ${file.size}`);
        }
        await sleep(100);
      }
    })();
    const uploads = Promise.all(batch.map((bytes, index) => uploadWithRetry(photographer, bytes, `crash-${index}.png`, 150)));
    // Kill while uploads stream and, when it can be had, while both instances run a preview job
    // (each runs one at a time, so of two running jobs one is the victim's).
    await sleep(600);
    const previewJobs = () => cluster.control.database.db.selectFrom('jobs').select(['id', 'attempts', 'status']).where('kind', '=', 'vault.previews').execute();
    const isLeased = (job: { id: string }) => leased.some((file) => job.id === `vault.previews:${file.id}`);
    const runningAtKill = await until('a leased preview job running on the victim', async () => {
      const jobs = (await previewJobs()).filter(isLeased);
      const running = jobs.filter((job) => job.status === 'running');
      if (running.length > 0) return running;
      // A finished job's row is gone: when the victim has made every leased preview already
      // (fast previews, a quiet machine), it is given another photo to hold at the kill.
      if (jobs.length === 0) await leaseOne();
      return undefined;
    }, 20_000);
    await victim.kill();
    // Its file had no previews yet: only a takeover of the lease can make them now.
    const heldFile = leased.find((file) => runningAtKill.some((job) => job.id === `vault.previews:${file.id}`)) as UploadedFile;
    expect((await photographer.json<{ file: UploadedFile }>('GET', `/api/vault/files/${heldFile.id}`)).body.file.status).toBe('processing');

    // The ZIP was cut: the client asks again and gets all of it from the survivor.
    let cut = false;
    try {
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
    } catch {
      cut = true;
    }
    const retried = await readFully(await zipVisitor.request('GET', `/api/d/${zipDelivery.token}/zip`));
    expect(retried.complete).toBe(true);
    const entries = await readZip(retried.bytes);
    expect(entries).toHaveLength(big.length + 1);
    for (const entry of entries.slice(0, -1)) expect(entry.bytes.equals(originals.get(sha256(entry.bytes)) ?? Buffer.alloc(0))).toBe(true);

    const stored = await uploads;
    watching = false;
    await watcher;
    expect(seenWrong).toEqual([]);
    expect(stored.some((result) => result.attempts > 1)).toBe(true);
    const listed = await allFiles(photographer);
    for (const hash of expected) expect(listed.some((file) => file.sha256 === hash)).toBe(true);
    // Each visible file's bytes are whole: download every crash-batch original and compare.
    for (const { file } of stored) {
      const response = await fetch(`${cluster.url}${await downloadUrl(photographer, file.id)}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(originals.get(file.sha256) ?? Buffer.alloc(0))).toBe(true);
    }

    // The dead instance's leases run out and the survivor takes its jobs: every preview gets made.
    await until(
      'previews after the crash',
      async () => {
        const now = await allFiles(photographer);
        return now.every((file) => file.status === 'ready') ? now : undefined;
      },
      (LEASE_SECONDS + 60) * 1000,
    );
    console.info(`  kill -9: ZIP cut mid-stream: ${cut}; uploads retried: ${stored.filter((result) => result.attempts > 1).length}; preview jobs running at the kill: ${runningAtKill.length}`);
    expect(cut).toBe(true);

    // Back up (while the survivor purges); after the purge delay no blob is left that no row names.
    const restarted = victim.start();
    const orphans = await until(
      'no orphaned blobs',
      async () => {
        await sleep(1_000);
        const rows = await cluster.control.database.db.selectFrom('vault_files').select(['blob_key', 'thumbnail_key', 'preview_key', 'status']).execute();
        const referenced = new Set(rows.flatMap((row) => [row.blob_key, row.thumbnail_key, row.preview_key]).filter(Boolean));
        const left: string[] = [];
        for await (const key of cluster.control.blobs.list('studios/')) if (!referenced.has(key)) left.push(key);
        const uploading = rows.filter((row) => row.status === 'uploading').length;
        return left.length === 0 && uploading === 0 ? left : undefined;
      },
      90_000,
    );
    expect(orphans).toEqual([]);
    await restarted;
    files = await allFiles(photographer);
    // Longer than the sum of its stages' own budgets (the takeover, the purge, the restart), so a
    // slow stage fails under its own name instead of the whole scenario timing out anonymously,
    // which on a loaded machine also left the victim half-restarted for the scenarios after it.
  }, 330_000);

  it('restarts the fleet one instance at a time (SIGTERM) under steady load with zero failed requests', async () => {
    // The first step of a rotation: every instance learns the new key, none writes with it yet.
    const report = await underLoad(() => rollingRestart({ SHUTTERLOCK_MASTER_KEYS: `${firstKey},${secondKey}` }));
    console.info(`  rolling restart: ${report.requests} requests, by instance ${JSON.stringify([...report.byUpstream])}`);
    expect(report.failures, await cluster.balancer.errors()).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
  });

  it('rotates the master key while both instances serve, with no failed request', async () => {
    const report = await underLoad(async () => {
      await rollingRestart({ SHUTTERLOCK_MASTER_KEYS: `${secondKey},${firstKey}` });
      const rotated = await cluster.cli(['keys', 'rotate'], `${secondKey},${firstKey}`);
      expect(rotated.code, rotated.stderr).toBe(0);
      const status = await cluster.cli(['keys', 'retire', '2026-a'], `${secondKey},${firstKey}`);
      expect(status.code, `${status.stdout}\n${status.stderr}`).toBe(0);
    });
    console.info(`  rotation: ${report.requests} requests, by instance ${JSON.stringify([...report.byUpstream])}`);
    expect(report.failures, await cluster.balancer.errors()).toEqual([]);
    // And a sign-in on the rotated fleet still works end to end.
    const again = new TestClient(cluster.server, { ip: '192.0.2.77' });
    expect((await signInWithCode(again, email)).status).toBe(200);
    expect(tokenOf(delivery.url)).toBe(delivery.token);
  });
});
