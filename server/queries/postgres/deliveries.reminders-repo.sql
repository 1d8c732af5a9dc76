-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/reminders-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listDueReminders
select
  *
from
  "deliveries"
where
  "reminder_sent_at" is null
  and "revoked_at" is null
  and "expires_at" > $1
  and "expires_at" <= $2
  and "created_at" <= $3
order by
  "expires_at",
  "id"
limit
  $4;

-- claimReminder
update "deliveries"
set
  "reminder_sent_at" = $1
where
  "studio_id" = $2
  and "id" = $3
  and "reminder_sent_at" is null;
