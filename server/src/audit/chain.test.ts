import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalKeyProvider } from '../crypto/master-keys.ts';
import { type Database, createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { databaseKinds, makeTempDir } from '../../test/harness.ts';
import { createPostgresTestDatabase } from '../../test/postgres.ts';
import { recordAudit } from './audit-log.ts';
import { hmacSha256Hex } from '../crypto/hashing.ts';
import { wrappedPeppers } from '../keys/peppers.ts';
import { SEAL_KEY_PURPOSE, pruneChain, sealChainHead, verifyChain } from './chain.ts';

const keysMaterial = [{ id: 'v1', key: crypto.randomBytes(32) }];
const keys = createLocalKeyProvider(keysMaterial);

async function openDatabase(kind: 'sqlite' | 'postgres'): Promise<{ database: Database; drop(): Promise<void> }> {
  if (kind === 'postgres') {
    const postgres = await createPostgresTestDatabase();
    const database = createDatabase({ kind: 'postgres', url: postgres.url });
    return { database, drop: async () => (await database.close(), await postgres.drop()) };
  }
  const database = createDatabase({ kind: 'sqlite', file: path.join(await makeTempDir('audit'), 'db.sqlite') });
  await migrateToLatest(database);
  return { database, drop: () => database.close() };
}

describe.each(databaseKinds())('the audit chain on %s', (kind) => {
  const opened: Array<{ drop(): Promise<void> }> = [];
  let database: Database;
  beforeEach(async () => {
    const fresh = await openDatabase(kind);
    opened.push(fresh);
    database = fresh.database;
    for (let index = 1; index <= 6; index += 1) {
      await recordAudit(database.db, { action: 'test.event', actorUserId: `user-${index}`, details: { index } }, 1_000 * index);
    }
  });
  afterAll(async () => {
    for (const fresh of opened) await fresh.drop();
  });

  const db = () => database.db;
  const verify = () => verifyChain(db(), keys);
  const idAt = async (seq: number) => (await db().selectFrom('audit_events').select('id').where('seq', '=', seq).executeTakeFirstOrThrow()).id;

  it('verifies an untouched chain once sealed, and refuses entries no seal covers', async () => {
    expect((await verify()).problem).toMatchObject({ seq: 1, reason: expect.stringContaining('no seal covers entries 1–6') });
    expect(await sealChainHead(db(), keys)).toBe(6);
    expect(await sealChainHead(db(), keys)).toBeNull();
    expect(await verify()).toMatchObject({ ok: true, entries: 6, seals: 1, unsealed: 0 });
    await recordAudit(db(), { action: 'test.event' }, 8_000);
    expect(await verify()).toMatchObject({ ok: true, entries: 7, unsealed: 1 });
  });

  it('notices every seal removed, with or without the entries they covered', async () => {
    await sealChainHead(db(), keys);
    await db().deleteFrom('audit_seals').execute();
    expect((await verify()).problem?.reason).toMatch(/every seal was removed/);
    // The whole log wiped and rewound to an empty chain: the seal key still tells.
    await db().deleteFrom('audit_events').execute();
    await db().updateTable('audit_chain_head').set({ seq: 0, entry_hash: '0'.repeat(64) }).execute();
    expect((await verify()).problem?.reason).toMatch(/every seal was removed/);
  });

  it('chains the seals: a seal removed from the middle, or replaced, shows', async () => {
    const sealAt = async (at: number) => {
      await recordAudit(db(), { action: 'test.event' }, at);
      await sealChainHead(db(), keys, at);
    };
    for (const at of [10_000, 20_000, 30_000]) await sealAt(at);
    const seals = await db().selectFrom('audit_seals').selectAll().orderBy('chain_index').execute();
    expect(seals.map((seal) => seal.chain_index)).toEqual([1, 2, 3]);
    expect(seals[1]!.prev_mac).toBe(seals[0]!.mac);
    expect(await verify()).toMatchObject({ ok: true, seals: 3 });
    await db().deleteFrom('audit_seals').where('chain_index', '=', 2).execute();
    expect((await verify()).problem?.reason).toMatch(/seal 2 is missing/);
    // Renumbering to close the gap breaks the MAC (the index is sealed); a re-linked copy has no valid MAC either.
    await db().updateTable('audit_seals').set({ chain_index: 2 }).where('chain_index', '=', 3).execute();
    expect((await verify()).problem?.reason).toMatch(/not authentic/);
  });

  it('notices the newest seals and entries removed and the head rewound, by the age of the newest seal', async () => {
    const hour = 60 * 60_000;
    await sealChainHead(db(), keys, 10 * hour);
    await recordAudit(db(), { action: 'test.event' }, 11 * hour);
    await sealChainHead(db(), keys, 11 * hour);
    // The heartbeat: an unchanged chain is sealed again once the newest seal is an hour old.
    expect(await sealChainHead(db(), keys, 11.5 * hour)).toBeNull();
    expect(await sealChainHead(db(), keys, 12 * hour + 1)).toBe(7);
    expect(await verifyChain(db(), keys, { maxSealAgeMs: 2.5 * hour, now: 13 * hour })).toMatchObject({ ok: true });
    await db().deleteFrom('audit_seals').where('chain_index', '>', 1).execute();
    await db().deleteFrom('audit_events').where('seq', '=', 7).execute();
    const sixth = await db().selectFrom('audit_events').select('entry_hash').where('seq', '=', 6).executeTakeFirstOrThrow();
    await db().updateTable('audit_chain_head').set({ seq: 6, entry_hash: sixth.entry_hash }).execute();
    expect(await verify()).toMatchObject({ ok: true });
    expect((await verifyChain(db(), keys, { maxSealAgeMs: 2.5 * hour, now: 13 * hour })).problem?.reason).toMatch(/newest seal is 180 minutes old/);
  });

  it('refuses to seal over entries that no longer follow the newest seal', async () => {
    await sealChainHead(db(), keys, 1_000);
    await recordAudit(db(), { action: 'test.event' }, 7_000);
    await db().updateTable('audit_events').set({ details: '{"index":99}' }).where('seq', '=', 7).execute();
    await expect(sealChainHead(db(), keys, 8_000)).rejects.toMatchObject({ code: 'audit_chain_broken' });
    expect(await db().selectFrom('audit_seals').select('id').execute()).toHaveLength(1);
  });

  it('keeps verifying seals made under a retired master key version, after keys rotate', async () => {
    // A format-1 seal, as releases before chained seals made it.
    const legacyKey = (await keys.deriveKey(SEAL_KEY_PURPOSE, 'v1')).key;
    const head = await db().selectFrom('audit_events').select(['seq', 'entry_hash']).where('seq', '=', 3).executeTakeFirstOrThrow();
    const message = `shutterlock audit seal v1\nseal\n3\n${head.entry_hash}\n3500`;
    await db()
      .insertInto('audit_seals')
      .values({ id: 'legacy', kind: 'seal', seq: 3, entry_hash: head.entry_hash, sealed_at: 3_500, key_version: 'v1', mac: hmacSha256Hex(legacyKey, message), chain_index: 1, prev_mac: null, format: 1 })
      .execute();
    await sealChainHead(db(), keys, 7_000);
    expect(await verify()).toMatchObject({ ok: true, seals: 2 });
    // Rotate to v2: the seal key is rewrapped with the peppers; v1 stays configured for the format-1 seal.
    const v2 = { id: 'v2', key: crypto.randomBytes(32) };
    const rotated = createLocalKeyProvider([v2, ...keysMaterial]);
    expect(await wrappedPeppers.rewrapAll({ db: db(), keys: rotated }, Date.now, [])).toBeGreaterThan(0);
    expect(await verifyChain(db(), rotated)).toMatchObject({ ok: true, seals: 2 });
    // Without v1 the format-1 seal can no longer be checked (docs: keep v1 until it is pruned); the chained seal still can.
    const onlyV2 = createLocalKeyProvider([v2]);
    expect((await verifyChain(db(), onlyV2)).problem?.reason).toMatch(/position 3 is not authentic/);
  });

  it('names an edited entry', async () => {
    await db().updateTable('audit_events').set({ details: '{"index":99}' }).where('seq', '=', 3).execute();
    expect((await verify()).problem).toMatchObject({ seq: 3, id: await idAt(3), reason: expect.stringContaining('edited') });
  });

  it('names the entry after one edited and re-hashed, and a seal catches a chain rewritten to the end', async () => {
    await sealChainHead(db(), keys);
    const rows = await db().selectFrom('audit_events').selectAll().orderBy('seq').execute();
    // Rewrite entry 3 and every hash after it, as an attacker with the database (not the master key) could.
    const { entryHash } = await import('./chain-hash.ts');
    let prevHash = rows[1]!.entry_hash;
    for (const row of rows.slice(2)) {
      const details = row.seq === 3 ? '{"index":99}' : row.details;
      const hash = entryHash({ seq: row.seq, id: row.id, at: row.at, action: row.action, actorUserId: row.actor_user_id, subjectUserId: row.subject_user_id, studioId: row.studio_id, ip: row.ip, userAgent: row.user_agent, details, prevHash });
      await db().updateTable('audit_events').set({ details, prev_hash: prevHash, entry_hash: hash }).where('seq', '=', row.seq).execute();
      prevHash = hash;
    }
    await db().updateTable('audit_chain_head').set({ entry_hash: prevHash }).execute();
    expect((await verify()).problem).toMatchObject({ seq: 6, reason: expect.stringContaining('sealed chain') });
  });

  it('names the gap left by a deleted entry', async () => {
    await db().deleteFrom('audit_events').where('seq', '=', 4).execute();
    expect((await verify()).problem).toMatchObject({ seq: 5, id: await idAt(5), reason: expect.stringContaining('missing') });
  });

  it('notices entries deleted from the end, against the head and against a seal', async () => {
    await sealChainHead(db(), keys);
    await db().deleteFrom('audit_events').where('seq', '>=', 5).execute();
    expect((await verify()).problem).toMatchObject({ seq: 5, reason: expect.stringContaining('missing') });
    await db().updateTable('audit_chain_head').set({ seq: 4, entry_hash: (await db().selectFrom('audit_events').select('entry_hash').where('seq', '=', 4).executeTakeFirstOrThrow()).entry_hash }).execute();
    expect((await verify()).problem).toMatchObject({ seq: 5, reason: expect.stringContaining('seal covers them') });
  });

  it('names an inserted entry', async () => {
    const row = await db().selectFrom('audit_events').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    // Make room at position 4 and slip a forged entry in, linked to entry 3.
    for (const seq of [6, 5, 4]) await db().updateTable('audit_events').set({ seq: seq + 1 }).where('seq', '=', seq).execute();
    const { entryHash } = await import('./chain-hash.ts');
    const forged = { seq: 4, id: crypto.randomUUID(), at: row.at + 1, action: 'test.forged', actorUserId: null, subjectUserId: null, studioId: null, ip: null, userAgent: null, details: '{}', prevHash: row.entry_hash };
    await db()
      .insertInto('audit_events')
      .values({ seq: 4, id: forged.id, at: forged.at, action: forged.action, actor_user_id: null, subject_user_id: null, studio_id: null, ip: null, user_agent: null, details: '{}', prev_hash: row.entry_hash, entry_hash: entryHash(forged) })
      .execute();
    // The forged entry links correctly, but the entry it displaced no longer matches its hash.
    expect((await verify()).problem).toMatchObject({ seq: 5, id: await idAt(5), reason: expect.stringContaining('moved by an insertion') });
  });

  it('names the first of two reordered entries', async () => {
    await db().updateTable('audit_events').set({ seq: 100 }).where('seq', '=', 2).execute();
    await db().updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 3).execute();
    await db().updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 100).execute();
    expect((await verify()).problem).toMatchObject({ seq: 2, reason: expect.stringContaining('edited') });
  });

  it('refuses a forged seal', async () => {
    await sealChainHead(db(), keys);
    await db().updateTable('audit_seals').set({ seq: 3 }).execute();
    expect((await verify()).problem?.reason).toMatch(/seal at position 3 is not authentic/);
  });

  it('still verifies after pruning behind a checkpoint, and notices a deleted checkpoint', async () => {
    expect(await pruneChain(db(), keys, 3_500)).toBe(3);
    await recordAudit(db(), { action: 'test.event' }, 7_000);
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 4, entries: 4, headSeq: 7 });
    await db().deleteFrom('audit_seals').where('kind', '=', 'checkpoint').execute();
    expect((await verify()).problem).toMatchObject({ seq: 4, reason: expect.stringContaining('missing') });
  });
});

describe.skipIf(!databaseKinds().includes('postgres'))('concurrent appends on PostgreSQL', () => {
  it('keep one chain', async () => {
    const postgres = await createPostgresTestDatabase();
    const writers = Array.from({ length: 4 }, () => createDatabase({ kind: 'postgres', url: postgres.url }));
    try {
      await Promise.all(
        writers.flatMap((writer, instance) => Array.from({ length: 25 }, (_, index) => recordAudit(writer.db, { action: 'test.concurrent', details: { instance, index } }))),
      );
      await sealChainHead(writers[0]!.db, keys);
      const verification = await verifyChain(writers[0]!.db, keys);
      expect(verification).toMatchObject({ ok: true, entries: 100, headSeq: 100 });
      const hashes = await writers[0]!.db.selectFrom('audit_events').select('prev_hash').execute();
      expect(new Set(hashes.map((row) => row.prev_hash)).size).toBe(100);
    } finally {
      for (const writer of writers) await writer.close();
      await postgres.drop();
    }
  });
});
