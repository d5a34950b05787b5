#!/usr/bin/env bash
# One command for the side-by-side benchmark: installs the Python peers (Debian packages), builds
# the project, runs PeerBench (MemoCache vs joblib, diskcache, Caffeine, Ehcache 3, MapDB and the
# physical references), writes bench/results/peers-<time>.{txt,tsv,svg} and prints the tables.
#
#   bash bench/run-all.sh            # the full run, about 10-15 minutes on 2 cores
#   bash bench/run-all.sh --quick    # smaller sizes, fewer repeats: about a minute
#   bash bench/run-all.sh --only memory-hit,sweep    # some workloads (ids in PeerBench.WORKLOADS)
#   bash bench/run-all.sh --only second-run,demo     # the second run in fresh processes, the demo's runs
#   bash bench/run-all.sh --only second-run --reps 9 # more fresh processes per figure (default 5, 3 with --quick)
#   bash bench/run-all.sh --only second-run,demo --pause 8   # 8 s before each process, as a later run finds the machine
#
# Anything missing degrades to "skipped: <why>" rows; nothing here needs more than Maven Central and
# Debian's archive. The torture run is separate: bench/torture/run-torture.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# 1. Python peers from Debian (no other Python registry is reachable): joblib, diskcache, numpy.
missing=()
for pkg in python3-joblib python3-diskcache python3-numpy; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt-get)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/tmp/memocache-bench-apt.log 2>&1; then
      echo "skipped: could not install ${missing[*]} (see /tmp/memocache-bench-apt.log); Python peers will be reported as skipped"
    fi
  else
    echo "skipped: ${missing[*]} not installed and not root; Python peers will be reported as skipped"
  fi
fi

# 2. Build everything (the agent jar too, when its module has landed) and the bench class path.
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
echo "building (mvn -q -B -DskipTests package)"
mvn -q -B -DskipTests package
CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"

# 3. Run, then draw the chart beside the results.
"$JAVA" -Xmx512m -cp "$CP" org.memocache.bench.PeerBench --repo "$ROOT" "$@" | tee /tmp/memocache-peerbench.out
TSV=$(sed -n 's/^results: \(.*\)\.txt and \.tsv$/\1.tsv/p' /tmp/memocache-peerbench.out | tail -1)
if [ -n "$TSV" ] && [ -f "$TSV" ]; then
  "$JAVA" -cp "$CP" org.memocache.bench.peers.SvgChart "$TSV" "${TSV%.tsv}.svg"
  echo "chart: ${TSV%.tsv}.svg"
fi
