#!/usr/bin/env bash
# The service collecting hosts over SSH: the bundle (target/annexa.jar) started on a fresh data folder, then a
# config/hosts.yml of N hosts written while it runs; measures the time until every host's snapshot is published in
# the inbox and until the register holds each host's nonconformities, with the service's CPU time and RSS meanwhile.
#   bench/ssh-service.sh [hosts, 200]
# The hosts are one embedded SSH server (the collection tests' server, Debian 12 layout, in a process of its own so
# its CPU is not the service's) under N asset names. Run from the project folder after
#   mvn -B package -DskipTests
#   mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
set -euo pipefail
hosts=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/target/annexa.jar"
[ -f "$jar" ] && [ -f "$root/target/bench.classpath" ] || { echo "build first (see the header of $0)" >&2; exit 1; }
work=$(mktemp -d /tmp/annexa-ssh-service.XXXXXX)
port=${ANNEXA_PORT:-18093}
password='bench-password-1'
cleanup() { [ -n "${service:-}" ] && kill "$service" 2>/dev/null; [ -n "${server:-}" ] && kill "$server" 2>/dev/null; true; }
trap cleanup EXIT

mkdir -p "$work/home"
cp -r "$root/config" "$root/rules" "$root/integrations" "$work/home/"
mkdir -p "$work/home/config/ssh"
ssh-keygen -q -t ed25519 -N '' -C annexa-bench -f "$work/home/config/ssh/id_ed25519"
rm -f "$work/home/config/hosts.yml"

# the server: pins its key in known_hosts once it listens
mkfifo "$work/server.in"
java -Xmx512m -XX:+UseSerialGC -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench.classpath")" \
  io.annexa.bench.SshServerProcess "$root/src/test/resources/ssh/debian12" "$root/src/test/resources/ssh/debian12" \
  "$work/home/config/ssh/id_ed25519.pub" "$work/home/config/ssh/known_hosts" <"$work/server.in" 2>"$work/server.log" &
server=$!
exec 3>"$work/server.in"
for _ in $(seq 1 120); do [ -f "$work/home/config/ssh/known_hosts" ] && break; sleep 0.5; done
sshport=$(sed -E 's/^\[127\.0\.0\.1\]:([0-9]+) .*/\1/' "$work/home/config/ssh/known_hosts")

ANNEXA_DATA="$work/data" ANNEXA_PORT=$port ANNEXA_HOME="$work/home" ANNEXA_BOOTSTRAP_ADMIN_PASSWORD=$password \
  java -jar "$jar" >"$work/annexa.log" 2>&1 &
launcher=$!
for _ in $(seq 1 180); do curl -sf "localhost:$port/health" >/dev/null 2>&1 && break; sleep 1; done
# the launcher starts the service in a JVM of its own: measure that one
service=$(pgrep -f -n "annexa.data=$work/data" || pgrep -P "$launcher" -n java || echo "$launcher")
sleep 20 # the samples' first evaluation settles

cpu() { awk '{print $14 + $15}' "/proc/$service/stat"; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$service/status"; }
ticks=$(getconf CLK_TCK)
open() { curl -s -u "admin:$password" "localhost:$port/api/assets" | grep -o '"bench-[0-9]*"' | sort -u | wc -l; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); service RSS idle $(rss) MB"

{
  printf 'defaults:\n  user: annexa\n  known_hosts: ssh/known_hosts\n  auth:\n    key: ssh/id_ed25519\n'
  printf '  collectors: [files, sshd-T, auditctl-l]\n  period: 1h\nhosts:\n'
  for i in $(seq 1 "$hosts"); do printf '  - name: bench-%05d\n    address: 127.0.0.1\n    port: %s\n' "$i" "$sshport"; done
} >"$work/home/config/hosts.yml.tmp"
cpu0=$(cpu); start=$(date +%s.%N); maxrss=0; published_at=""
mv "$work/home/config/hosts.yml.tmp" "$work/home/config/hosts.yml"
while :; do
  r=$(rss); [ "$r" -gt "$maxrss" ] && maxrss=$r
  published=$(find "$work/data/inbox/hosts" -mindepth 1 -maxdepth 1 -name 'bench-*' -type d 2>/dev/null | wc -l)
  if [ -z "$published_at" ] && [ "$published" -ge "$hosts" ]; then
    published_at=$(date +%s.%N); cpu1=$(cpu)
  fi
  if [ -n "$published_at" ] && [ "$(open)" -ge "$hosts" ]; then break; fi
  if [ "$(echo "$(date +%s.%N) - $start > 600" | bc)" = 1 ]; then echo "timed out: $published published" >&2; exit 1; fi
  sleep 0.25
done
done_at=$(date +%s.%N); cpu2=$(cpu)
printf '%d hosts: published in %.1f s (service CPU %.1f s), in the register after %.1f s (service CPU %.1f s), max RSS %d MB\n' \
  "$hosts" "$(echo "$published_at - $start" | bc)" "$(echo "($cpu1 - $cpu0) / $ticks" | bc -l)" \
  "$(echo "$done_at - $start" | bc)" "$(echo "($cpu2 - $cpu0) / $ticks" | bc -l)" "$maxrss"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -c "collection of .* failed" "$work/annexa.log" | sed 's/^/failed collections logged: /' || true
