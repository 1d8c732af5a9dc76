import { createHash } from 'node:crypto';
import { recordAudit } from '../audit/audit-log.ts';
import type { JobHandler } from '../jobs/runner.ts';
import { studioDataKey } from '../studios/service.ts';
import type { VaultDeps } from './deps.ts';
import { blobKeyOf, recordedSha256 } from './downloads.ts';
import { openFile } from './file-views.ts';
import { listStoredFilesPage } from './repo.ts';
import { type Variant, readPlaintext, storedBlob } from './stored-blobs.ts';

/**
 * Scrub: reads every blob the vault references and proves it — for an encrypted blob the key
 * commitment and every chunk's tag (decrypting it to nowhere), for an original also the
 * SHA-256 and size recorded at upload — and lists blobs under `studios/` that no file
 * references (orphans, e.g. left by a crash between a put and its row). With a repair source
 * (a backup), missing and corrupt blobs are put back from it and checked again. Scheduled
 * daily; each run is audited (`vault.scrub_finished`), which the console's system page shows.
 */

export const SCRUB_JOB = 'vault.scrub';

export interface ScrubFinding {
  key: string;
  fileId: string;
  variant: Variant;
  reason: string;
}

export interface ScrubReport {
  checked: number;
  missing: ScrubFinding[];
  corrupt: ScrubFinding[];
  orphaned: string[];
  repaired: string[];
}

/** Puts a blob back from elsewhere (a backup); false when it has no good copy. */
export type BlobRepairSource = (key: string) => Promise<boolean>;

const variants: readonly Variant[] = ['original', 'preview', 'thumbnail'];
const pageSize = 200;

async function checkBlob(deps: VaultDeps, file: Parameters<typeof blobKeyOf>[0], variant: Variant, key: string): Promise<{ kind: 'missing' | 'corrupt'; reason: string } | null> {
  if (!(await deps.blobs.head(key))) return { kind: 'missing', reason: 'not in the blob store' };
  try {
    const blob = storedBlob(key, file.id, variant, file.encrypted ? await studioDataKey(deps, file.studio_id) : null);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await readPlaintext(deps.blobs, blob)) {
      hash.update(chunk as Uint8Array);
      size += (chunk as Uint8Array).byteLength;
    }
    // A preview's SHA-256 is recorded when it is made (previews of older releases have none):
    // for a plain studio's, the only check there is.
    const expected = recordedSha256((await openFile(deps, file)).metadata, variant);
    if (expected === null) return null;
    if ((variant === 'original' && size !== file.size) || hash.digest('hex') !== expected) {
      return { kind: 'corrupt', reason: variant === 'original' ? 'its content differs from the SHA-256 recorded at upload' : 'its content differs from the SHA-256 recorded when it was made' };
    }
    return null;
  } catch {
    return { kind: 'corrupt', reason: file.encrypted ? 'its key commitment or a chunk tag does not authenticate (or it is truncated)' : 'it cannot be read' };
  }
}

export async function scrubVault(deps: VaultDeps, repair?: BlobRepairSource): Promise<ScrubReport> {
  const report: ScrubReport = { checked: 0, missing: [], corrupt: [], orphaned: [], repaired: [] };
  const referenced = new Set<string>();
  for (let page = await listStoredFilesPage(deps.db, '', pageSize); page.length > 0; page = await listStoredFilesPage(deps.db, page.at(-1)!.id, pageSize)) {
    for (const file of page) {
      for (const variant of variants) {
        const key = blobKeyOf(file, variant);
        if (!key) continue;
        referenced.add(key);
        report.checked += 1;
        let problem = await checkBlob(deps, file, variant, key);
        if (problem && repair && (await repair(key))) {
          problem = await checkBlob(deps, file, variant, key);
          if (!problem) report.repaired.push(key);
        }
        if (problem) report[problem.kind].push({ key, fileId: file.id, variant, reason: problem.reason });
      }
    }
  }
  for await (const key of deps.blobs.list('studios/')) if (!referenced.has(key)) report.orphaned.push(key);
  return report;
}

/** Runs scrub and audits its counts (never keys or names). */
export async function scrubAndRecord(deps: VaultDeps, repair?: BlobRepairSource): Promise<ScrubReport> {
  const report = await scrubVault(deps, repair);
  await recordAudit(deps.db, {
    action: 'vault.scrub_finished',
    details: { checked: report.checked, missing: report.missing.length, corrupt: report.corrupt.length, orphaned: report.orphaned.length, repaired: report.repaired.length },
  });
  return report;
}

export function scrubJobHandler(deps: VaultDeps): JobHandler {
  return { kind: SCRUB_JOB, run: async () => void (await scrubAndRecord(deps)) };
}
