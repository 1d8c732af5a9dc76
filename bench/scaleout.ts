/**
 * Does a second instance add capacity? The fleet of the cluster suite (cluster/cluster.ts:
 * server processes on PostgreSQL, Redis and S3, nginx round robin in front), measured through
 * nginx with one instance behind it and then with two, on the same machine in the same run:
 * requests per second of an authenticated file listing (GET /api/vault/files, a page of
 * BENCH_SCALEOUT_FILES files, default 20) and of a signed original download
 * (GET /api/files/<id>/original?…), with autocannon at 16 keep-alive connections for
 * BENCH_SCALEOUT_SECONDS (default 5). Each target is first warmed through both instances (the
 * first requests of a fresh process pay for compilation and cold pools), then measured in
 * BENCH_SCALEOUT_ROUNDS rounds (default 2) that alternate which fleet goes first, so neither
 * side always runs on a warmer machine; the rounds' mean is reported. The load average before
 * and after is printed with the figures: on a shared machine it says how much they are worth.
 * On a machine of two cores the ratio is bounded by what the cores have left beside the load
 * generator, nginx, PostgreSQL and S3, all on the same two cores.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { Balancer, freePort, masterKey, missingPrerequisite, startCluster } from '../cluster/cluster.ts';
import { createAccount, signInWithCode } from '../server/test/accounts.ts';
import { TestClient } from '../server/test/client.ts';
import { positiveInteger } from './harness.ts';
import { record } from './summary.ts';

const CONNECTIONS = 16;

async function requestsPerSecond(url: string, seconds: number, headers: Record<string, string> = {}): Promise<{ rps: number; p99: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > CONNECTIONS || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts under load.`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const loadAverage = () => os.loadavg().map((value) => value.toFixed(1)).join(' / ');
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export async function runScaleoutBench(opts: { dir: string }): Promise<void> {
  void opts;
  const missing = await missingPrerequisite();
  if (missing) {
    console.log(`\nscale-out: skipped (${missing})`);
    return;
  }
  const files = positiveInteger('BENCH_SCALEOUT_FILES', 20);
  const seconds = positiveInteger('BENCH_SCALEOUT_SECONDS', 5);
  const rounds = positiveInteger('BENCH_SCALEOUT_ROUNDS', 2);
  const cluster = await startCluster({ masterKeys: masterKey('bench'), env: { LOG_LEVEL: 'error' } });
  if (!cluster) {
    console.log('\nscale-out: skipped (no S3 service)');
    return;
  }
  const single = new Balancer(await freePort(), `${cluster.balancer.dir}-single`);
  try {
    const account = await createAccount(cluster.server, 'photographer', 'bench');
    const client = new TestClient(cluster.server, { ip: '192.0.2.10' });
    const signedIn = await signInWithCode(client, account.email);
    if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.status}`);
    const jpeg = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 90, g: 120, b: 150 }, noise: { type: 'gaussian', mean: 128, sigma: 20 } } })
      .jpeg({ quality: 85 })
      .toBuffer();
    let firstId = '';
    for (let index = 0; index < files; index++) {
      const response = await client.request('POST', '/api/vault/files', jpeg, { 'content-type': 'application/octet-stream', 'x-file-name': `IMG_${index}.jpg` });
      const body = (await response.json()) as { file: { id: string } };
      if (response.status !== 201) throw new Error(`upload failed: ${response.status}`);
      firstId ||= body.file.id;
    }
    const link = (await client.json<{ url: string }>('POST', `/api/vault/files/${firstId}/download-url`, { variant: 'original' })).body.url;
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const auth = { cookie, 'x-forwarded-for': '192.0.2.10' };
    const listing = `/api/vault/files?limit=${files}`;
    await mkdir(single.dir, { recursive: true });
    await single.start([cluster.instances[0] as (typeof cluster.instances)[number]]);

    console.log(
      `\nscale-out: autocannon through nginx, ${CONNECTIONS} connections, ${seconds} s per run, ${rounds} rounds; PostgreSQL, Redis, S3 and the load generator on the same machine (${os.availableParallelism()} cores); load average (1/5/15 min) ${loadAverage()}`,
    );
    const targets = [
      { name: `file listing (${files} files, authenticated)`, path: listing, headers: auth },
      { name: `signed download (${(jpeg.length / 1024).toFixed(0)} KiB original)`, path: link, headers: {} },
    ];
    for (const target of targets) {
      await requestsPerSecond(`${cluster.url}${target.path}`, Math.min(seconds, 2), target.headers);
      const ones: Array<{ rps: number; p99: number }> = [];
      const twos: Array<{ rps: number; p99: number }> = [];
      for (let round = 0; round < rounds; round++) {
        const fleets = [
          { url: single.url, into: ones },
          { url: cluster.url, into: twos },
        ];
        for (const fleet of round % 2 === 0 ? fleets : fleets.reverse()) fleet.into.push(await requestsPerSecond(`${fleet.url}${target.path}`, seconds, target.headers));
      }
      const one = { rps: mean(ones.map((run) => run.rps)), p99: Math.max(...ones.map((run) => run.p99)) };
      const two = { rps: mean(twos.map((run) => run.rps)), p99: Math.max(...twos.map((run) => run.p99)) };
      const ratio = `${(two.rps / one.rps).toPrecision(2)} ×`;
      console.log(`${target.name}\n  one instance ${one.rps.toFixed(0)} req/s p99 ${one.p99} ms   two instances ${two.rps.toFixed(0)} req/s p99 ${two.p99} ms   ${ratio}`);
      record({
        measure: `${target.name.split(' (')[0]}, two instances / one`,
        value: `${two.rps.toFixed(0)} req/s, p99 ${two.p99} ms`,
        baseline: `one instance ${one.rps.toFixed(0)} req/s, p99 ${one.p99} ms`,
        ratio,
        aim: '> 1 ×',
      });
    }
    console.log(`load average (1/5/15 min) after: ${loadAverage()}`);
  } finally {
    await single.stop();
    await cluster.stop();
  }
}
