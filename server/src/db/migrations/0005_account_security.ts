import { type Kysely, sql } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// Account security (issue 11): when a session last proved its owner (re-authentication), the
// "this wasn't me" links of credential-change emails (token hash only), the persistent
// sign-in-code failure count, sign-in codes bound to the browser that asked for them, the
// rate-limit counters kept in the database when there is no Redis, the email skeleton that
// refuses look-alike addresses, and a studio's suspension while its owner is disabled.
// See docs/security/auth.md.

/** studios/service.ts's default name as it was when this migration was written. */
const defaultStudioName = 'Photography studio';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update sessions set authenticated_at = created_at`.execute(db);

  await db.schema.alterTable('sign_in_codes').addColumn('browser_hash', 'text').execute();
  await db.schema
    .alterTable('sign_in_codes')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('sign_in').check(sqlIn('purpose', ['sign_in', 'reauthenticate'])))
    .execute();

  await db.schema
    .createTable('sign_in_guards')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_failure_at', 'bigint')
    .addColumn('locked_until', 'bigint')
    .execute();

  await db.schema
    .createTable('credential_change_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('credential_change_tokens_user').on('credential_change_tokens').column('user_id').execute();

  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_counters_expiry').on('rate_limit_counters').column('expires_at').execute();

  // Filled by the application for new and changed addresses (auth/email-address.ts); rows from
  // before stay null, which a unique index allows any number of times.
  await db.schema.alterTable('users').addColumn('email_skeleton', 'text').execute();
  await db.schema.createIndex('users_email_skeleton').unique().on('users').column('email_skeleton').execute();

  await db.schema.alterTable('studios').addColumn('suspended_at', 'bigint').execute();
  await sql`update studios set suspended_at = (select max(users.disabled_at) from users inner join studio_members on studio_members.user_id = users.id where studio_members.studio_id = studios.id and studio_members.role = 'owner' and users.disabled_at is not null)`.execute(db);
  // Studios were named after their owner's sign-in email, which every delivery client saw.
  await sql`update studios set name = ${defaultStudioName} where name in (select email from users)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('studios').dropColumn('suspended_at').execute();
  await db.schema.dropIndex('users_email_skeleton').execute();
  await db.schema.alterTable('users').dropColumn('email_skeleton').execute();
  for (const table of ['rate_limit_counters', 'credential_change_tokens', 'sign_in_guards']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('sign_in_codes').dropColumn('purpose').execute();
  await db.schema.alterTable('sign_in_codes').dropColumn('browser_hash').execute();
  await db.schema.alterTable('sessions').dropColumn('authenticated_at').execute();
}
