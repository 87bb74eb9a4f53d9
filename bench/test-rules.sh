#!/usr/bin/env bash
# Wall and CPU time of `java -jar target/annexa.jar test-rules`, as a rule author runs it.
#   bench/test-rules.sh [runs] [folder...]        (default: 5 runs of sshd_root_login_disabled)
# Run from the project folder. The first run may copy the application out of the bundle into the user's cache
# (~/.cache/annexa); it is reported apart. Prints the load average before and after, since on a shared machine
# other processes' CPU shows in the wall time (the CPU time does not depend on them as much).
set -euo pipefail
runs=${1:-5}; shift || true
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(rules/technological/c8_05_secure_authentication/sshd_root_login_disabled)
jar=${ANNEXA_JAR:-$(cd "$(dirname "$0")/.." && pwd)/target/annexa.jar}
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for i in $(seq 0 "$runs"); do
  out=$(mktemp)
  /usr/bin/time -o "$out.time" -f '%e %U %S' java -jar "$jar" test-rules "${folders[@]}" >"$out" 2>&1 && rc=0 || rc=$?
  read -r real user sys <"$out.time"
  summary=$(tail -1 "$out")
  label="run $i"; [ "$i" -eq 0 ] && label="first run (may copy the application)"
  printf '%s: %.2f s wall, %.2f s CPU, exit %d: %s\n' "$label" "$real" "$(echo "$user + $sys" | bc)" "$rc" "$summary"
  [ "$i" -gt 0 ] && times+=("$real")
  rm -f "$out" "$out.time"
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
printf 'wall over %d runs: min %.2f s, median %.2f s, max %.2f s\n' "$runs" \
  "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" "$(echo "$sorted" | tail -1)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
