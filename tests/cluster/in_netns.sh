#!/usr/bin/env bash
# Run a command in a fresh network namespace that has only loopback (as root), then end every
# process still left in that namespace: exactly what the command started (a Ray cluster's
# raylets and workers, a PostgreSQL server), nothing else on the machine.
#   tests/cluster/in_netns.sh python -m pytest -m cluster tests/cluster
set -uo pipefail
if [ "$(id -u)" != 0 ]; then
  exec sudo -E "$0" "$@"
fi
exec unshare -n -- bash -c '
  ip link set lo up
  "$@"
  rc=$?
  mine=$(readlink /proc/self/ns/net)
  for pid in $(ls /proc | grep -E "^[0-9]+$"); do
    [ "$pid" = "$$" ] && continue
    [ "$(readlink /proc/$pid/ns/net 2>/dev/null)" = "$mine" ] && kill -9 "$pid" 2>/dev/null
  done
  exit $rc
' in_netns "$@"
