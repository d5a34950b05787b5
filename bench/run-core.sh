#!/usr/bin/env bash
# The cache-core benchmark: memory hit vs raw Caffeine, 1 GiB hash vs memcpy. Usage: bench/run-core.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl bench -am package
exec java -Xmx3g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.CoreBench "$@"
