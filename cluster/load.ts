import { setTimeout as sleep } from 'node:timers/promises';
import type { TestClient } from '../server/test/client.ts';

/**
 * A bounded load generator on loopback: `workers` loops, each one request at a time, mixing an
 * authenticated file listing, a signed link asked for (a POST) and fetched, and a delivery
 * client's listing. Every answer that is not the expected one — a 5xx, a refused or cut
 * connection, a wrong status — counts as a failure, with what it was.
 */

export interface LoadReport {
  requests: number;
  failures: string[];
  /** Answers per instance (by nginx's X-Upstream), so a test can see both served. */
  byUpstream: Map<string, number>;
}

export interface LoadTarget {
  photographer: TestClient;
  fileId: string;
  fileSize: number;
  visitor: TestClient;
  deliveryToken: string;
  balancerUrl: string;
}

export function startLoad(target: LoadTarget, workers = 3, pauseMs = 10): { stop(): Promise<LoadReport> } {
  const report: LoadReport = { requests: 0, failures: [], byUpstream: new Map() };
  let running = true;
  const count = (response: Response) => {
    report.requests += 1;
    const upstream = response.headers.get('x-upstream') ?? '?';
    report.byUpstream.set(upstream, (report.byUpstream.get(upstream) ?? 0) + 1);
  };
  const step = async (kind: number, again = true): Promise<void> => {
    const label = ['listing', 'signed download', 'delivery listing'][kind] ?? '?';
    try {
      if (kind === 0) {
        const response = await target.photographer.request('GET', '/api/vault/files?limit=20');
        count(response);
        const text = await response.text();
        if (response.status !== 200 || !text.includes(target.fileId)) report.failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
      } else if (kind === 1) {
        const asked = await target.photographer.request('POST', `/api/vault/files/${target.fileId}/download-url`, { variant: 'original' });
        count(asked);
        const text = await asked.text();
        if (asked.status !== 200) {
          report.failures.push(`${label} (link): ${asked.status} ${text.slice(0, 200)}`);
          return;
        }
        const { url } = JSON.parse(text) as { url: string };
        const fetched = await fetch(`${target.balancerUrl}${url}`);
        count(fetched);
        const bytes = Buffer.from(await fetched.arrayBuffer());
        if (fetched.status !== 200 || bytes.length !== target.fileSize) report.failures.push(`${label}: ${fetched.status}, ${bytes.length} of ${target.fileSize} bytes`);
      } else {
        const response = await target.visitor.request('GET', `/api/d/${target.deliveryToken}/files`);
        count(response);
        const text = await response.text();
        if (response.status !== 200) report.failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
      }
    } catch (error) {
      // A kept-alive connection closed by the balancer as the request went out (nginx's old
      // worker ends its idle connections on a reload) had no answer at all: a browser sends the
      // request again on a new connection, and so does this client, once.
      if (again && closedBeforeAnswer(error)) return step(kind, false);
      report.requests += 1;
      report.failures.push(`${label}: ${error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`);
    }
  };
  const loops = Array.from({ length: workers }, async (_, worker) => {
    let round = worker;
    while (running) {
      await step(round % 3);
      round += 1;
      if (pauseMs > 0) await sleep(pauseMs);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}

/**
 * undici's error for a connection the other side closed before any byte of an answer: fetch
 * itself failed ("fetch failed"), not the reading of a body that had begun ("terminated", which
 * is a cut answer and counts).
 */
function closedBeforeAnswer(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return error instanceof TypeError && error.message === 'fetch failed' && cause?.code === 'UND_ERR_SOCKET';
}
