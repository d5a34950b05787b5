#!/usr/bin/env bash
# The view benchmark: open a 1 GiB result as a view vs a full load; slice reads vs memcpy.
# Usage: bench/run-view.sh [--quick] [work dir on the file system to measure; default bench/target/viewbench]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl bench -am package
exec java -Xmx3g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.ViewBench "$@"
