#!/usr/bin/env bash
# The disk-tier benchmark: small hit and miss+store vs joblib, 1 GiB store/load vs dd, 8 JVMs x 20 keys.
# Usage: bench/run-disk.sh [--quick] [work dir on the file system to measure; default bench/target/diskbench]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl bench -am package
exec java -Xmx4g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.memocache.bench.DiskBench "$@"
