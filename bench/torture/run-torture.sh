#!/usr/bin/env bash
# The kill -9 torture of the disk tier (never part of the normal test run): 16 JVMs share one cache
# directory, the coordinator kills them at random moments for 200 rounds, flips bytes in published
# entries, then a second phase fills a tiny tmpfs. It prints rounds run, entries checked, wrong values
# served, torn entries served and published entries lost, and exits non-zero unless the last three
# are 0.
#
#   bash bench/torture/run-torture.sh                       # 200 rounds, 16 JVMs: about 5-10 minutes
#   bash bench/torture/run-torture.sh --rounds 1000 --seed 42
#
# The full-disk phase mounts a 16 MiB tmpfs and so needs root; without it that phase is skipped.
# The work directory is left for inspection (reports/ has every worker's log); deleting a big cache
# slows file creation on ext4 for minutes, so do not time anything right after removing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK=${TORTURE_WORK:-$ROOT/bench/target/torture-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$WORK"

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
echo "building (mvn -q -B -DskipTests package)"
mvn -q -B -DskipTests package
CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"

FULL="$WORK/full-disk"
mkdir -p "$FULL"
FULL_ARGS=()
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16m,mode=0700 memocache-torture "$FULL" 2>/dev/null; then
  trap 'umount "$FULL" 2>/dev/null || true' EXIT
  FULL_ARGS=(--full-disk-dir "$FULL")
else
  echo "full-disk phase skipped: mounting a tmpfs needs root"
fi

"$JAVA" -Xmx1g -cp "$CP" org.memocache.bench.torture.Torture --work "$WORK" "${FULL_ARGS[@]}" "$@" \
  | tee "$WORK/summary.txt"
status=${PIPESTATUS[0]}
echo "work directory: $WORK"
exit "$status"
