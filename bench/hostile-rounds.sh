#!/usr/bin/env bash
# Hostile-directory rounds of cache-disk (HostileRoundsTest), longer than in the normal test run:
# links and FIFOs planted at cache paths between rounds, kill -STOP of the maintainer and of other
# processes during them, many JVMs computing into a directory with a tiny size limit. Prints files
# outside the cache touched, hangs, errors thrown to callers, wrong values and the worst overshoot.
# A stop of 40 s (over the 30 s heartbeat bound) makes the maintenance lease be taken over.
# Usage: bench/hostile-rounds.sh [seconds, default 600] [jvms, default 16] [threads, default 16] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
jvms="${2:-16}"
threads="${3:-16}"
seed="${4:-$(date +%s)}"
flock /tmp/memocache-build.lock mvn -B -q -o -pl cache-disk -am test -Dtest=HostileRoundsTest -Dmemocache.excludedGroups= \
  -Dsurefire.failIfNoSpecifiedTests=false -Dmemocache.hostile.millis="$((seconds * 1000))" \
  -Dmemocache.hostile.roundMillis=60000 -Dmemocache.hostile.jvms="$jvms" -Dmemocache.hostile.threads="$threads" \
  -Dmemocache.hostile.stopMillis=40000 -Dmemocache.hostile.hangMillis=120000 -Dmemocache.hostile.seed="$seed" \
  || status=$?
grep -h -A6 "^hostile rounds" cache-disk/target/surefire-reports/org.memocache.disk.HostileRoundsTest-output.txt
exit "${status:-0}"
