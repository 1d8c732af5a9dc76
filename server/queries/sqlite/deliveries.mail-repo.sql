-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/mail-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertMailSend
insert into
  "delivery_mail_sends" ("id", "send_id", "studio_id", "delivery_id", "reason", "recipient_digest", "emails", "at")
values
  (?, ?, ?, ?, ?, ?, ?, ?);

-- deleteMailSend
delete from "delivery_mail_sends"
where
  "studio_id" = ?
  and "send_id" = ?;

-- pruneMailSends
delete from "delivery_mail_sends"
where
  "studio_id" = ?
  and "at" < ?;

-- countStudioEmails
select
  coalesce(sum("emails"), 0) as "emails"
from
  "delivery_mail_sends"
where
  "studio_id" = ?
  and "at" >= ?;

-- countNewRecipients
select
  count(*) as "recipients"
from
  (
    select
      "recipient_digest"
    from
      "delivery_mail_sends"
    where
      "studio_id" = ?
    group by
      "recipient_digest"
    having
      min("at") >= ?
  ) as "first_mailed";

-- countDeliveryResends
select
  count(distinct "send_id") as "sends"
from
  "delivery_mail_sends"
where
  "studio_id" = ?
  and "delivery_id" = ?
  and "reason" != ?
  and "at" >= ?;

-- claimMailAlert
insert into
  "delivery_mail_alerts" ("studio_id", "rule", "window_start", "at")
values
  (?, ?, ?, ?)
on conflict ("studio_id", "rule", "window_start") do nothing;
