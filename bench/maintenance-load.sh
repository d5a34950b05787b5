#!/bin/bash
# Maintenance under load (docs/disk.md, "Limits under load"): JVMS processes x THREADS threads store
# 8 KB results of 200 keys into one directory with maximumDiskBytes = 64 KiB for SECONDS; prints the
# worst size of the entries against the stated bound and the maintenance CPU in steady state.
# The same test runs in CI with 6 x 16 for 10 s. Usage: bench/maintenance-load.sh [JVMS THREADS SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
JVMS=${1:-16}
THREADS=${2:-64}
SECONDS_=${3:-150}
flock /tmp/memocache-build.lock mvn -B -q -o -pl cache-disk -am test \
  -Dtest='MaintenanceLoadTest#tinyLimitUnderLoad*' -Dsurefire.failIfNoSpecifiedTests=false -Dmemocache.excludedGroups= \
  -Dmemocache.load.jvms="$JVMS" -Dmemocache.load.threads="$THREADS" -Dmemocache.load.millis="$((SECONDS_ * 1000))"
grep -h "maintenance under load" cache-disk/target/surefire-reports/org.memocache.disk.MaintenanceLoadTest-output.txt
