#!/bin/sh
# Restarts the Shutterlock instances one at a time, each ready again before the next goes:
#   deploy/systemd/rolling-restart.sh 8081 8082
# A stopping instance drains (readiness false, then in-flight work finishes); nginx sends new
# connections to the others meanwhile. Exits non-zero, leaving the rest untouched, when an
# instance does not come back within two minutes.
set -eu
for port in "$@"; do
  systemctl restart "shutterlock@${port}"
  tries=0
  until curl -fsS -o /dev/null "http://127.0.0.1:${port}/readyz"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 240 ]; then
      echo "shutterlock@${port} is not ready after 2 minutes; stopping the rolling restart" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "shutterlock@${port} ready"
done
