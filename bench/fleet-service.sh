#!/usr/bin/env bash
# A fleet dropped into the inbox of the real service (the bundle, Payara Micro and all), as an operator would.
#   bench/fleet-service.sh [hosts, 10000] [h2|postgres, h2] [idle seconds, 60] [extra java options...]
# Stages hosts × 3 files (FleetBenchmark's fleet), starts target/annexa.jar on a fresh data directory, moves the
# files into <data>/inbox/<kind>/, then follows the open nonconformities the API reports (today's trend point) until
# they stop changing for 15 s. Reports the time from the last file landing to the last change, the largest RSS of the
# service's JVM meanwhile, its threads' CPU, its CPU while nothing changes afterwards, and how long one rewritten file
# takes to open its nonconformity. postgres: a fresh database annexa_fleet on 127.0.0.1:5432 (dropped at the end).
# FLEET_HISTOGRAM, FLEET_NMT, FLEET_HEAPDUMP (file names): a class histogram, native memory summary (needs
# -XX:NativeMemoryTracking=summary in ANNEXA_JAVA_OPTS) or heap dump of the service once the fleet is in; FLEET_LOG: where
# to keep the service's log.
set -euo pipefail
hosts=${1:-10000}; db=${2:-h2}; idle=${3:-60}; shift 3 2>/dev/null || shift $#
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/target/annexa.jar
[ -f "$jar" ] && [ -f "$root/target/bench.classpath" ] || { echo "build first: mvn -B -q package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test" >&2; exit 1; }
work=$(mktemp -d); port=$((20000 + RANDOM % 20000)); pw='fleet-bench-password-1'
java -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench.classpath")" io.annexa.bench.FleetBenchmark stage "$work/staging" "$hosts"
opts=()
if [ "$db" = postgres ]; then
  psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS annexa_fleet' -c 'CREATE DATABASE annexa_fleet'
  opts=(-Dannexa.db.url=jdbc:postgresql://127.0.0.1:5432/annexa_fleet -Dannexa.db.user=postgres)
fi
(cd "$work" && ANNEXA_DATA="$work/data" ANNEXA_BOOTSTRAP_ADMIN_PASSWORD="$pw" exec java "${opts[@]}" "$@" -jar "$jar" --port "$port" >"$work/out.log" 2>&1) &
pid=$!
# every step runs (errexit would stop the trap at the killed service's status and leave the work folder behind)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; [ -z "${FLEET_LOG:-}" ] || cp "$work/out.log" "$FLEET_LOG"
  [ "$db" != postgres ] || psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS annexa_fleet"; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"status":"UP"'; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/out.log" >&2; exit 1; }
  sleep 0.5
done
jpid=$(pgrep -P "$pid" java || echo "$pid")
open() {
  curl -sf -u "admin:$pw" "http://127.0.0.1:$port/api/nonconformities/trend?days=1" \
    | python3 -c 'import json,sys; print(sum(p["open"] for p in json.load(sys.stdin)))'
}
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$jpid/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$jpid/stat"; }
sleep 10
before=$(open); max=$(rss)
echo "service up (RSS $max MB, $before open nonconformities from the samples); moving $((hosts * 3)) files into the inbox"
[ "$hosts" -gt 0 ] && for kind in sshd_config login.defs sudoers; do
  mkdir -p "$work/data/inbox/$kind"
  find "$work/staging/$kind" -type f -exec mv -t "$work/data/inbox/$kind" {} +
done
declare -A intake_threads
for t in /proc/$jpid/task/*; do intake_threads[${t##*/}]=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0); done
landed=$(date +%s.%N); last=$landed; count=$before
while [ "$hosts" -gt 0 ]; do
  sleep 1
  r=$(rss); [ "$r" -gt "$max" ] && max=$r
  now=$(open || echo "$count")
  if [ "$now" != "$count" ]; then count=$now; last=$(date +%s.%N); fi
  if [ "$(echo "$(date +%s.%N) - $last > 15" | bc)" = 1 ] && [ "$count" -gt "$before" ]; then break; fi
done
printf 'intake: %d open nonconformities (%d from the fleet), the last change %.1f s after the last file landed; largest RSS %d MB\n' \
  "$count" "$((count - before))" "$(echo "$last - $landed" | bc)" "$max"
echo "busiest threads during intake (CPU ticks):"
for t in /proc/$jpid/task/*; do
  now=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)
  echo "$((now - ${intake_threads[${t##*/}]:-0})) $(cat "$t/comm" 2>/dev/null)"
done | sort -rn | head -10
declare -A before_threads
for t in /proc/$jpid/task/*; do before_threads[${t##*/}]=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0); done
[ -n "${FLEET_HISTOGRAM:-}" ] && jcmd "$jpid" GC.class_histogram > "$FLEET_HISTOGRAM"
[ -n "${FLEET_NMT:-}" ] && jcmd "$jpid" VM.native_memory summary > "$FLEET_NMT"
[ -n "${FLEET_HEAPDUMP:-}" ] && jcmd "$jpid" GC.heap_dump "$FLEET_HEAPDUMP" >/dev/null
# FLEET_SETTLE: seconds to let pass before measuring idle (the first minute after an intake still compiles code)
[ -z "${FLEET_SETTLE:-}" ] || { echo "settling for $FLEET_SETTLE s"; sleep "$FLEET_SETTLE"; }
for t in /proc/$jpid/task/*; do before_threads[${t##*/}]=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0); done
c0=$(cpu); t0=$(date +%s.%N); sleep "$idle"; c1=$(cpu); t1=$(date +%s.%N)
echo "busiest threads while idle (CPU ticks):"
for t in /proc/$jpid/task/*; do
  now=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)
  echo "$((now - ${before_threads[${t##*/}]:-0})) $(cat "$t/comm" 2>/dev/null)"
done | sort -rn | head -8
hz=$(getconf CLK_TCK)
printf 'idle: %.2f %% of one core over %d s; RSS %d MB\n' "$(echo "($c1 - $c0) / $hz / ($t1 - $t0) * 100" | bc -l)" "$idle" "$(rss)"
if [ "$hosts" -gt 1 ]; then
  # host-00001 allows no root login (every tenth host does): its rewritten file opens one nonconformity
  sshd="$work/data/inbox/sshd_config/$(ls "$work/data/inbox/sshd_config" | sed -n 2p)"
  count=$(open)
  sed 's/^PermitRootLogin no$/PermitRootLogin yes/' "$sshd" > "$work/rewritten" && mv "$work/rewritten" "$sshd"
  rewritten=$(date +%s.%N)
  until [ "$(open)" -gt "$count" ]; do
    [ "$(echo "$(date +%s.%N) - $rewritten > 60" | bc)" = 1 ] && { echo "one change: no new nonconformity within 60 s" >&2; exit 1; }
    sleep 0.1
  done
  printf 'one change: %s nonconformity opened %.2f s after its file was rewritten\n' "${sshd##*/}" "$(echo "$(date +%s.%N) - $rewritten" | bc)"
fi
