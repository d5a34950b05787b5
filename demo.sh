#!/usr/bin/env bash
# Builds MemoCache and runs the demo pipeline twice, in two JVMs: the second run is served from
# the disk cache ($MEMOCACHE_DIR, default ~/.cache/memocache).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B -DskipTests -pl samples -am package
CP="samples/target/classes:$(cat samples/target/classpath.txt)"
echo "=== first run (new JVM)"
java -cp "$CP" org.memocache.samples.PipelineDemo
echo
echo "=== second run (another new JVM)"
java -cp "$CP" org.memocache.samples.PipelineDemo
