#!/usr/bin/env bash
# The kill -9 torture test of cache-disk, longer than in the normal test run.
# Usage: bench/kill-rounds.sh [rounds, default 300] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-300}"
seed="${2:-$(date +%s)}"
exec mvn -B -pl cache-disk -am test -Dtest=KillTortureTest -Dsurefire.failIfNoSpecifiedTests=false -Dmemocache.excludedGroups= \
  -Dmemocache.torture.rounds="$rounds" -Dmemocache.torture.seed="$seed"
