#!/usr/bin/env bash
# Start-to-healthy time and resident memory of the Annexa bundle.
#   bench/startup.sh [runs] [extra java options...]
# Starts target/annexa.jar on a free port with a fresh data directory, polls /health until it answers UP,
# reports seconds to healthy and the RSS of the Java process 5 s later, then stops it.
set -euo pipefail
runs=${1:-3}; shift || true
jar=$(cd "$(dirname "$0")/.." && pwd)/target/annexa.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
for i in $(seq 1 "$runs"); do
  work=$(mktemp -d); port=$((20000 + RANDOM % 20000))
  start=$(date +%s.%N)
  (cd "$work" && exec java "$@" -jar "$jar" --port "$port" >"$work/out.log" 2>&1) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"status":"UP"'; do
    kill -0 "$pid" 2>/dev/null || { echo "run $i: Annexa exited; see $work/out.log" >&2; exit 1; }
    sleep 0.2
  done
  ready=$(date +%s.%N)
  sleep 5
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$jpid/status")
  printf 'run %d: healthy in %.1f s, RSS %d MB\n' "$i" "$(echo "$ready - $start" | bc)" "$rss"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
done
