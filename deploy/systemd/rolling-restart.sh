#!/bin/sh
# Restarts the Shutterlock instances one at a time, each ready again before the next goes:
#   deploy/systemd/rolling-restart.sh 8081 8082
# A stopping instance drains (readiness false, then in-flight work finishes); nginx sends new
# connections to the others meanwhile. Exits non-zero, leaving the rest untouched, when an
# instance does not come back within two minutes.
#
# nginx does not poll /readyz. With NGINX_CONF naming the file of the `upstream shutterlock`
# block (deploy/nginx/shutterlock.conf), each instance is first marked `down` there and nginx
# reloaded (gracefully: its old workers finish what they hold), and put back once ready, so no
# request reaches an instance as its listener closes:
#   NGINX_CONF=/etc/nginx/conf.d/shutterlock.conf deploy/systemd/rolling-restart.sh 8081 8082
# Without it, nginx's passive checks move the traffic: a GET caught in the instant the listener
# closes is retried on another instance, a POST is answered 502 (docs/operations.md); and nginx
# skips an instance that refused it for fail_timeout, so the script waits NGINX_FAIL_TIMEOUT
# seconds (5, as in deploy/nginx/shutterlock.conf) after each one is back, before the next goes.
set -eu

# Marks this machine's upstream server on port $1 (127.0.0.1 or localhost) down ($2 = down) or
# up ($2 = up), then reloads nginx; without NGINX_CONF, waits out nginx's fail_timeout on the way up.
set_upstream() {
  if [ -z "${NGINX_CONF:-}" ]; then
    [ "$2" = up ] && sleep "${NGINX_FAIL_TIMEOUT:-5}"
    return 0
  fi
  # Kept to put back should nginx refuse the edited file (written through a symlink, as sed's is).
  before=$(cat "$NGINX_CONF")
  up="s/^([[:space:]]*server[[:space:]]+(127\.0\.0\.1|localhost):$1([[:space:]][^;]*)?) down;/\1;/"
  if [ "$2" = down ]; then
    # Up first, so that a run stopped halfway and started again marks it down once.
    sed -i --follow-symlinks -E -e "$up" -e "s/^([[:space:]]*server[[:space:]]+(127\.0\.0\.1|localhost):$1([[:space:]][^;]*)?);/\1 down;/" "$NGINX_CONF"
  else
    sed -i --follow-symlinks -E "$up" "$NGINX_CONF"
  fi
  if ! nginx -t -q; then
    printf '%s\n' "$before" > "$NGINX_CONF"
    echo "rolling-restart: nginx -t refused $NGINX_CONF once port $1 was marked $2; put back as it was, nothing restarted" >&2
    exit 1
  fi
  nginx -s reload
  # The new workers take over within a moment; the old ones finish their requests meanwhile.
  sleep 1
}

# Every port checked before anything is touched: each is pasted into sed scripts and a unit
# name, so it must be a bare port number (a `.` would match every server line, a `/` would end
# the s command and let the rest run as sed commands, such as `e`, a shell command), and, with
# NGINX_CONF, must name a local server line there (else the instance would be restarted while
# nginx still sends it traffic).
for port in "$@"; do
  case "$port" in
    '' | *[!0-9]* | 0*) echo "rolling-restart: '$port' is not a port number" >&2; exit 2 ;;
  esac
  if [ "$port" -gt 65535 ]; then echo "rolling-restart: '$port' is not a port number" >&2; exit 2; fi
  if [ -n "${NGINX_CONF:-}" ] && ! grep -Eq "^[[:space:]]*server[[:space:]]+(127\.0\.0\.1|localhost):$port([[:space:]][^;]*)?;" "$NGINX_CONF"; then
    echo "rolling-restart: no 'server 127.0.0.1:$port' (or localhost) line in $NGINX_CONF; nothing restarted" >&2
    exit 2
  fi
done

for port in "$@"; do
  set_upstream "$port" down
  systemctl restart "shutterlock@${port}"
  tries=0
  until curl -fsS -o /dev/null "http://127.0.0.1:${port}/readyz"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 240 ]; then
      echo "shutterlock@${port} is not ready after 2 minutes; stopping the rolling restart (it stays down in nginx)" >&2
      exit 1
    fi
    sleep 0.5
  done
  set_upstream "$port" up
  echo "shutterlock@${port} ready"
done
