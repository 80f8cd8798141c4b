#!/usr/bin/env bash
# The load tests' CI smoke run (Maven runs it in load-tests/gatling's integration-test phase): a real
# Switchboard server from the launcher's build output, on free loopback ports with a data directory of its
# own, and a few hundred simulated clients through load-tests/run.sh -- every scenario, both transports,
# two generator processes. Any lost or duplicated message, any error, any failed Gatling assertion fails
# the build. The server is stopped on every exit path, and `timeout` ends it even if this script is killed.
#
#   load-tests/smoke.sh            (SB_BUILD_DIR: the Maven build directory to use, default target)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${SB_BUILD_DIR:-target}"
OUT="${LOADTEST_OUT:-$ROOT/load-tests/gatling/$BUILD_DIR/smoke}"
MAX_SECONDS="${LOADTEST_SMOKE_MAX_SECONDS:-600}"
began=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT"

# ---- free ports (below the ephemeral range, so no client socket takes one meanwhile) -----------------
taken=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    [[ "$taken" == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      taken="$taken$p "
      echo "$p"
      return 0
    fi
  done
  echo "smoke: no free port found" >&2
  return 1
}
C2S=$(free_port); TLS=$(free_port); HTTP=$(free_port); HTTPS=$(free_port); METRICS=$(free_port); CLUSTER=$(free_port)

# ---- the server ------------------------------------------------------------------------------------
server_pid=""
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true  # timeout passes SIGTERM on to the server
    for _ in $(seq 1 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
    echo "smoke: server stopped"
  fi
  echo "smoke: $( (( status == 0 )) && echo PASSED || echo FAILED ) in $(( $(date +%s) - began )) s (output in $OUT)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "smoke: starting a server (c2s $C2S, ws $HTTP, metrics $METRICS, data $OUT/server-data)"
env SWITCHBOARD_BUILD_DIR="$BUILD_DIR" \
  SWITCHBOARD_OPTS="-Xms128m -Xmx512m" \
  SWITCHBOARD_SERVER_DATA_DIR="$OUT/server-data" \
  SWITCHBOARD_LISTENERS_C2S_PORT="$C2S" SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT="$TLS" \
  SWITCHBOARD_LISTENERS_HTTP_PORT="$HTTP" SWITCHBOARD_LISTENERS_HTTPS_PORT="$HTTPS" \
  SWITCHBOARD_METRICS_PORT="$METRICS" \
  SWITCHBOARD_CLUSTER_PORT="$CLUSTER" SWITCHBOARD_CLUSTER_MEMBERS="127.0.0.1:$CLUSTER" \
  SWITCHBOARD_CLUSTER_CLUSTER_NAME="loadtest-smoke-$$" \
  SWITCHBOARD_LOGGING_LEVEL=WARN \
  timeout --kill-after=10 "$MAX_SECONDS" "$ROOT/bin/switchboard" start >"$OUT/server.log" 2>&1 </dev/null &
server_pid=$!

health() {
  local line
  exec 4<>"/dev/tcp/127.0.0.1/$METRICS" || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
  IFS= read -r -t 5 line <&4 || true
  exec 4<&-
  [[ "$line" == *" 200"* ]]
}
for i in $(seq 1 240); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "smoke: the server exited during start-up; its log:" >&2
    tail -40 "$OUT/server.log" >&2
    exit 1
  fi
  health 2>/dev/null && break
  (( i < 240 )) || { echo "smoke: the server was not ready after 120 s" >&2; tail -40 "$OUT/server.log" >&2; exit 1; }
  sleep 0.5
done
# The JVM is the child of `timeout`: its RSS goes into the summaries.
java_pid="$(cat "/proc/$server_pid/task/$server_pid/children" 2>/dev/null | awk '{print $1}')"
echo "smoke: server ready after $(( $(date +%s) - began )) s (pid ${java_pid:-?})"

# ---- the runs --------------------------------------------------------------------------------------
export SB_BUILD_DIR="$BUILD_DIR"
common=(--target "127.0.0.1:$C2S" --ws-url "ws://127.0.0.1:$HTTP/xmpp-websocket" --timeout 30 --barrier-timeout 90
        --heap 384m)
[[ -n "$java_pid" ]] && common+=(--server-pid "$java_pid")
run() {
  local name="$1"; shift
  echo "smoke: ---- $name: load-tests/run.sh $*"
  bash "$ROOT/load-tests/run.sh" "${common[@]}" --out "$OUT/$name" "$@"
}
run chat-tcp      --scenario chat --users 200 --generators 2 --ramp 3 --duration 5 --rate 2
run chat-ws       --scenario chat --transport websocket --users 100 --ramp 2 --duration 3 --rate 2
run login-storm   --scenario login-storm --users 100 --ramp 2 --hold 0
run presence      --scenario presence-storm --users 60 --contacts 5 --changes 2 --change-gap 300 --ramp 1
run mam           --scenario mam --users 40 --history 30 --mam-pages 2 --ramp 1

echo "smoke: summaries"
grep -h '^SUMMARY' "$OUT"/*/summary.txt 2>/dev/null || true
