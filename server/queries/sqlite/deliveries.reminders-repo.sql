-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/reminders-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listDueReminders
select
  *
from
  "deliveries"
where
  "reminder_sent_at" is null
  and "revoked_at" is null
  and "expires_at" > ?
  and "expires_at" <= ?
  and "created_at" <= ?
order by
  "expires_at",
  "id"
limit
  ?;

-- claimReminder
update "deliveries"
set
  "reminder_sent_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "reminder_sent_at" is null;
