-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/auth/codes-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- replaceSignInCode
update "sign_in_codes"
set
  "consumed_at" = $1
where
  "user_id" = $2
  and "purpose" = $3
  and "browser_hash" = $4
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- replaceNoSignInCode
update "sign_in_codes"
set
  "consumed_at" = $1
where
  "user_id" = $2
  and "purpose" = $3
  and "browser_hash" = $4
  and "consumed_at" is null;

-- findLatestSignInCode
select
  *
from
  "sign_in_codes"
where
  "user_id" = $1
  and "purpose" = $2
  and "browser_hash" = $3
  and "consumed_at" is null
order by
  "created_at" desc
limit
  $4;

-- claimSignInCodeAttempt
update "sign_in_codes"
set
  "failed_attempts" = "failed_attempts" + $1
where
  "id" = $2
  and "consumed_at" is null
  and "failed_attempts" < $3;

-- consumeSignInCode
update "sign_in_codes"
set
  "consumed_at" = $1
where
  "id" = $2
  and "consumed_at" is null;

-- findSignInGuard
select
  *
from
  "sign_in_guards"
where
  "user_id" = $1;

-- swapSignInGuard: the first wrong code
insert into
  "sign_in_guards" ("user_id", "failures", "last_failure_at", "locked_until")
values
  ($1, $2, $3, $4)
on conflict ("user_id") do nothing;

-- swapSignInGuard: a later one
update "sign_in_guards"
set
  "failures" = $1,
  "last_failure_at" = $2,
  "locked_until" = $3
where
  "user_id" = $4
  and "failures" = $5
  and "last_failure_at" = $6;

-- swapSignInGuard: after none counted
update "sign_in_guards"
set
  "failures" = $1,
  "last_failure_at" = $2,
  "locked_until" = $3
where
  "user_id" = $4
  and "failures" = $5
  and "last_failure_at" is null;

-- deleteSignInGuard
delete from "sign_in_guards"
where
  "user_id" = $1;

-- insertCredentialChangeToken
insert into
  "credential_change_tokens" ("token_hash", "user_id", "change", "created_at", "expires_at", "used_at")
values
  ($1, $2, $3, $4, $5, $6);

-- claimCredentialChangeToken
select
  "user_id",
  "change"
from
  "credential_change_tokens"
where
  "token_hash" = $1;

update "credential_change_tokens"
set
  "used_at" = $1
where
  "token_hash" = $2
  and "used_at" is null
  and "expires_at" > $3;

-- deleteRecoveryCodes
delete from "recovery_codes"
where
  "user_id" = $1;

-- insertChallenge
insert into
  "second_factor_challenges" ("token_hash", "user_id", "created_at", "expires_at", "consumed_at")
values
  ($1, $2, $3, $4, $5);

-- findChallenge
select
  *
from
  "second_factor_challenges"
where
  "token_hash" = $1;

-- countFailedChallenge
update "second_factor_challenges"
set
  "failed_attempts" = "failed_attempts" + $1
where
  "token_hash" = $2;

-- consumeChallenge
update "second_factor_challenges"
set
  "consumed_at" = $1
where
  "token_hash" = $2
  and "consumed_at" is null;

-- listUnusedRecoveryCodes
select
  *
from
  "recovery_codes"
where
  "user_id" = $1
  and "used_at" is null;

-- useRecoveryCode
update "recovery_codes"
set
  "used_at" = $1
where
  "id" = $2
  and "used_at" is null;

-- replaceRecoveryCodes
delete from "recovery_codes"
where
  "user_id" = $1;

insert into
  "recovery_codes" ("id", "user_id", "code_digest", "key_version", "created_at", "used_at")
values
  ($1, $2, $3, $4, $5, $6),
  ($7, $8, $9, $10, $11, $12);

-- replaceResetToken
update "password_reset_tokens"
set
  "used_at" = $1
where
  "user_id" = $2
  and "used_at" is null;

insert into
  "password_reset_tokens" ("token_hash", "user_id", "created_at", "expires_at", "used_at")
values
  ($1, $2, $3, $4, $5);

-- findResetToken
select
  *
from
  "password_reset_tokens"
where
  "token_hash" = $1;

-- claimResetToken
update "password_reset_tokens"
set
  "used_at" = $1
where
  "token_hash" = $2
  and "used_at" is null;

-- replaceSetupToken
delete from "setup_tokens";

insert into
  "setup_tokens" ("token_hash", "created_at", "expires_at", "used_at")
values
  ($1, $2, $3, $4);

-- claimSetupToken
update "setup_tokens"
set
  "used_at" = $1
where
  "token_hash" = $2
  and "used_at" is null
  and "expires_at" > $3;
