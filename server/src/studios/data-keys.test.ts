import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { makeTempDir } from '../../test/harness.ts';
import { createStudio, createStudioStandings, setStudioSuspended, studioDataKey } from './service.ts';

describe('the image service’s studio standings', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('are read from the database on every call: a suspension or a key destroyed elsewhere fails at once, a rewrapped one is unwrapped again', async () => {
    const database = createDatabase({ kind: 'sqlite', file: path.join(await makeTempDir('studio-keys'), 'db.sqlite') });
    closers.push(() => database.close());
    await migrateToLatest(database);
    const keys = createLocalKeyProvider([{ id: 'k1', key: crypto.randomBytes(32) }]);
    const deps = { db: database.db, keys };
    const { id } = await createStudio(deps, 'Leaving');
    const standings = createStudioStandings(deps);
    const first = await (await standings(id)).dataKey();
    expect(first.equals(await studioDataKey(deps, id))).toBe(true);
    expect(await (await standings(id)).dataKey()).toBe(first); // the same unwrapping, while the stored wrap is unchanged
    // Another instance suspends the studio, then resumes it: this process is not told, and follows the row.
    await setStudioSuspended(deps, id, true);
    await expect(standings(id)).rejects.toMatchObject({ code: 'studio_suspended' });
    await setStudioSuspended(deps, id, false);
    expect(await (await standings(id)).dataKey()).toBe(first);
    // Another instance destroys the key: this process is not told, and must not serve with it.
    await database.db.deleteFrom('studio_keys').where('studio_id', '=', id).execute();
    await expect((await standings(id)).dataKey()).rejects.toMatchObject({ code: 'studio_not_found' });
    await expect((await standings('no-such-studio')).dataKey()).rejects.toMatchObject({ code: 'studio_not_found' });
  });
});
