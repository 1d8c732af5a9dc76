-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/mail-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertMailSend
insert into
  "delivery_mail_sends" ("id", "send_id", "studio_id", "delivery_id", "reason", "recipient_digest", "emails", "at")
values
  ($1, $2, $3, $4, $5, $6, $7, $8);

-- deleteMailSend
delete from "delivery_mail_sends"
where
  "studio_id" = $1
  and "send_id" = $2;

-- pruneMailSends
delete from "delivery_mail_sends"
where
  "studio_id" = $1
  and "at" < $2;

-- countStudioEmails
select
  coalesce(sum("emails"), 0) as "emails"
from
  "delivery_mail_sends"
where
  "studio_id" = $1
  and "at" >= $2;

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
      "studio_id" = $1
    group by
      "recipient_digest"
    having
      min("at") >= $2
  ) as "first_mailed";

-- countDeliveryResends
select
  count(distinct "send_id") as "sends"
from
  "delivery_mail_sends"
where
  "studio_id" = $1
  and "delivery_id" = $2
  and "reason" != $3
  and "at" >= $4;

-- claimMailAlert
insert into
  "delivery_mail_alerts" ("studio_id", "rule", "window_start", "at")
values
  ($1, $2, $3, $4)
on conflict ("studio_id", "rule", "window_start") do nothing;
