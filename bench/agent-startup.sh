#!/usr/bin/env bash
# Start-up cost of the agent on a trivial job: fresh JVMs, alternating plain java and each agent jar
# given, so that every configuration sees the same machine load. The job prints square(12) once;
# the agent memoizes that one method (methods=job.Work#square). For each jar: weaving afresh
# (weavecache=off, what a job's first start pays) and from the weave cache (every later start).
# Prints min / median / max wall time in ms per configuration.
#
# Usage: bench/agent-startup.sh [-n ROUNDS] AGENT_JAR...   (JAVA=... to pick the java launcher)
set -euo pipefail
rounds=7
if [[ "${1:-}" == "-n" ]]; then rounds=$2; shift 2; fi
(($# > 0)) || { echo "usage: $0 [-n ROUNDS] AGENT_JAR..." >&2; exit 2; }
java=${JAVA:-java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/job" "$work/classes"
cat > "$work/src/job/Work.java" <<'JAVA'
package job;
public class Work {
  public static long square(int n) { return (long) n * n; }
}
JAVA
cat > "$work/src/job/Main.java" <<'JAVA'
package job;
public class Main {
  public static void main(String[] args) { System.out.println(Work.square(12)); }
}
JAVA
"${java%java}javac" -d "$work/classes" "$work/src/job/"*.java 2>/dev/null || javac -d "$work/classes" "$work/src/job/"*.java

names=(plain)
cmds=("$java -cp $work/classes job.Main")
i=0
for jar in "$@"; do
  i=$((i + 1))
  opts="methods=job.Work#square,dir=$work/cache-$i"
  names+=("jar$i weaving afresh" "jar$i weave cache")
  cmds+=("$java -javaagent:$jar=$opts,weavecache=off -cp $work/classes job.Main"
         "$java -javaagent:$jar=$opts,weavecache=$work/woven-$i -cp $work/classes job.Main")
done

run() { # prints the wall time of one start in ms; fails unless the job printed its result
  local t0 t1 out
  t0=$(date +%s%N)
  out=$($1 2>&1)
  t1=$(date +%s%N)
  [[ "$out" == "144" ]] || { echo "failed: $1: $out" >&2; exit 1; }
  echo $(((t1 - t0) / 1000000))
}

for c in "${cmds[@]}"; do run "$c" > /dev/null; run "$c" > /dev/null; done # page cache, cache dirs, weave cache
declare -A times
for ((r = 0; r < rounds; r++)); do
  for k in "${!cmds[@]}"; do
    times[$k]+="$(run "${cmds[$k]}") "
  done
done

for ((j = 1; j <= $#; j++)); do
  printf 'jar%d: %s (%s bytes)\n' "$j" "${!j}" "$(stat -c %s "${!j}")"
done
printf '%-24s %8s %8s %8s   (%d fresh JVMs each, %s)\n' "" min median max "$rounds" "$("$java" -version 2>&1 | head -1)"
for k in "${!cmds[@]}"; do
  sorted=($(tr ' ' '\n' <<< "${times[$k]}" | grep . | sort -n))
  n=${#sorted[@]}
  printf '%-24s %8d %8d %8d\n' "${names[$k]}" "${sorted[0]}" "${sorted[$((n / 2))]}" "${sorted[$((n - 1))]}"
done
