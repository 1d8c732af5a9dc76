-- Rendered for SQLite by server/src/queries.test.ts from server/src/auth/codes-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- replaceSignInCode
update "sign_in_codes"
set
  "consumed_at" = ?
where
  "user_id" = ?
  and "purpose" = ?
  and "browser_hash" = ?
  and "consumed_at" is null;

insert into
  "sign_in_codes" (
    "id",
    "user_id",
    "purpose",
    "browser_hash",
    "code_digest",
    "key_version",
    "created_at",
    "expires_at",
    "consumed_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- replaceNoSignInCode
update "sign_in_codes"
set
  "consumed_at" = ?
where
  "user_id" = ?
  and "purpose" = ?
  and "browser_hash" = ?
  and "consumed_at" is null;

-- findLatestSignInCode
select
  *
from
  "sign_in_codes"
where
  "user_id" = ?
  and "purpose" = ?
  and "browser_hash" = ?
  and "consumed_at" is null
order by
  "created_at" desc
limit
  ?;

-- claimSignInCodeAttempt
update "sign_in_codes"
set
  "failed_attempts" = "failed_attempts" + ?
where
  "id" = ?
  and "consumed_at" is null
  and "failed_attempts" < ?;

-- consumeSignInCode
update "sign_in_codes"
set
  "consumed_at" = ?
where
  "id" = ?
  and "consumed_at" is null;

-- findSignInGuard
select
  *
from
  "sign_in_guards"
where
  "user_id" = ?;

-- swapSignInGuard: the first wrong code
insert into
  "sign_in_guards" ("user_id", "failures", "last_failure_at", "locked_until")
values
  (?, ?, ?, ?)
on conflict ("user_id") do nothing;

-- swapSignInGuard: a later one
update "sign_in_guards"
set
  "failures" = ?,
  "last_failure_at" = ?,
  "locked_until" = ?
where
  "user_id" = ?
  and "failures" = ?
  and "last_failure_at" = ?;

-- swapSignInGuard: after none counted
update "sign_in_guards"
set
  "failures" = ?,
  "last_failure_at" = ?,
  "locked_until" = ?
where
  "user_id" = ?
  and "failures" = ?
  and "last_failure_at" is null;

-- deleteSignInGuard
delete from "sign_in_guards"
where
  "user_id" = ?;

-- insertCredentialChangeToken
insert into
  "credential_change_tokens" ("token_hash", "user_id", "change", "created_at", "expires_at", "used_at")
values
  (?, ?, ?, ?, ?, ?);

-- claimCredentialChangeToken
select
  "user_id",
  "change"
from
  "credential_change_tokens"
where
  "token_hash" = ?;

update "credential_change_tokens"
set
  "used_at" = ?
where
  "token_hash" = ?
  and "used_at" is null
  and "expires_at" > ?;

-- deleteRecoveryCodes
delete from "recovery_codes"
where
  "user_id" = ?;

-- insertChallenge
insert into
  "second_factor_challenges" ("token_hash", "user_id", "created_at", "expires_at", "consumed_at")
values
  (?, ?, ?, ?, ?);

-- findChallenge
select
  *
from
  "second_factor_challenges"
where
  "token_hash" = ?;

-- countFailedChallenge
update "second_factor_challenges"
set
  "failed_attempts" = "failed_attempts" + ?
where
  "token_hash" = ?;

-- consumeChallenge
update "second_factor_challenges"
set
  "consumed_at" = ?
where
  "token_hash" = ?
  and "consumed_at" is null;

-- listUnusedRecoveryCodes
select
  *
from
  "recovery_codes"
where
  "user_id" = ?
  and "used_at" is null;

-- useRecoveryCode
update "recovery_codes"
set
  "used_at" = ?
where
  "id" = ?
  and "used_at" is null;

-- replaceRecoveryCodes
delete from "recovery_codes"
where
  "user_id" = ?;

insert into
  "recovery_codes" ("id", "user_id", "code_digest", "key_version", "created_at", "used_at")
values
  (?, ?, ?, ?, ?, ?),
  (?, ?, ?, ?, ?, ?);

-- replaceResetToken
update "password_reset_tokens"
set
  "used_at" = ?
where
  "user_id" = ?
  and "used_at" is null;

insert into
  "password_reset_tokens" ("token_hash", "user_id", "created_at", "expires_at", "used_at")
values
  (?, ?, ?, ?, ?);

-- findResetToken
select
  *
from
  "password_reset_tokens"
where
  "token_hash" = ?;

-- claimResetToken
update "password_reset_tokens"
set
  "used_at" = ?
where
  "token_hash" = ?
  and "used_at" is null;

-- replaceSetupToken
delete from "setup_tokens";

insert into
  "setup_tokens" ("token_hash", "created_at", "expires_at", "used_at")
values
  (?, ?, ?, ?);

-- claimSetupToken
update "setup_tokens"
set
  "used_at" = ?
where
  "token_hash" = ?
  and "used_at" is null
  and "expires_at" > ?;
