#!/usr/bin/env bash
# Builds MemoCache and runs the demo pipeline twice, in two JVMs: the second run is served from
# the disk cache ($MEMOCACHE_DIR, default ~/.cache/memocache) and prints, per step, its speed-up
# over computing it (the first run stores each step's computing time with its result).
#
# The JVMs run with the JVM's default flags, as most jobs do. Set JAVA_OPTS to try the flags that
# matter for big results (README, "JVM flags for big results"), e.g.
# JAVA_OPTS=-XX:+UseTransparentHugePages bash demo.sh
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B -DskipTests -pl samples -am package
CP="samples/target/classes:$(cat samples/target/classpath.txt)"
JAVA_OPTS=${JAVA_OPTS:-}
echo "=== first run (new JVM${JAVA_OPTS:+, $JAVA_OPTS})"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java $JAVA_OPTS -cp "$CP" org.memocache.samples.PipelineDemo
echo
echo "=== second run (another new JVM)"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" org.memocache.samples.PipelineDemo
