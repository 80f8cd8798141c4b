#!/usr/bin/env bash
# Drives a Gatling XMPP load run over several generator processes and prints one summary line plus a
# correctness verdict (exit 0 = PASS). Works against any XMPP server reachable on loopback; nothing
# here knows Switchboard's internals. See load-tests/README.md.
#
#   load-tests/run.sh --scenario chat --users 2000 --rate 1 --duration 60
#   load-tests/run.sh --scenario hold --users 15000 --generators 2 --hold 120 --server-pid 12345
#   load-tests/run.sh --scenario chat --transport websocket --users 200 --ws-url ws://127.0.0.1:5280/xmpp-websocket
#
# Steps: build the module's class path if needed, provision users/rosters/history (Provision), start G
# generator JVMs (io.gatling.app.Gatling, one user range and one 127.0.0.x source address each), print
# progress every 5 s (and the server's RSS when --server-pid is given), wait, summarize (Summarize).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/load-tests/gatling"
BUILD_DIR="${SB_BUILD_DIR:-target}"

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
options (defaults in brackets):
  --scenario hold|chat|presence-storm|login-storm|mam      [chat]
  --transport tcp|websocket                                 [tcp]  (websocket: hold and chat)
  --users N                 users in all generators         [200]
  --generators G            generator processes             [users/12000, at least 1]
  --target host:port,...    XMPP over TCP (STARTTLS)        [127.0.0.1:5222]; user i uses target i mod n
  --ws-url url,...          XMPP over WebSocket (RFC 7395)  [ws://127.0.0.1:5280/xmpp-websocket]
  --domain D                                                [localhost]
  --source-ips auto|none|ip,...  source addresses           [auto: generator k binds 127.0.0.(11+k)]
  --ramp S                  log-in ramp per generator       [10]
  --hold S                  idle time (hold, login-storm)   [30]
  --duration S --rate R     chat: seconds, messages/s/user  [30, 1]
  --contacts K --changes N --change-gap MS   presence-storm [10, 3, 1000]
  --history H --mam-pages P  mam: messages each way per pair, pages fetched [100, 4]
  --prefix P --password W   account names P0..P(N-1)        [lt; lp<K>c for presence, lm<H>h for mam]
  --mechanisms M,...        SASL preference                 [SCRAM-SHA-256,SCRAM-SHA-1,PLAIN]
  --max-error-percent X     failed requests allowed          [0]
  --timeout S               per protocol step                [60]
  --barrier-timeout S       longest wait for the other users at a barrier (an error) [2 x ramp + 600]
  --heap SIZE               per generator JVM                [1g]
  --server-pid PID,...      sample these processes' RSS (sum) for rss_per_conn_kib
  --out DIR                 run directory                    [load-tests/gatling/target/runs/<run id>]
                            (every summary line is also appended to load-tests/gatling/target/runs/summaries.log;
                            with SB_BUILD_DIR=x, under load-tests/gatling/x/ instead)
  --no-provision            skip the setup step (users, rosters, history exist)
EOF
}

scenario=chat transport=tcp users=200 generators=0 targets=127.0.0.1:5222
ws_urls=ws://127.0.0.1:5280/xmpp-websocket domain=localhost source_ips=auto ramp=10 hold=30 duration=30 rate=1
contacts=10 changes=3 change_gap=1000 history=100 mam_pages=4 prefix="" password=loadtest-secret
mechanisms=SCRAM-SHA-256,SCRAM-SHA-1,PLAIN max_error=0 timeout=60 barrier_timeout="" heap=1g server_pids="" out=""
provision=1
while [[ $# -gt 0 ]]; do
  opt="$1"; shift
  case "$opt" in
    -h|--help) usage; exit 0 ;;
    --no-provision) provision=0; continue ;;
  esac
  [[ $# -gt 0 ]] || { echo "run.sh: $opt needs a value" >&2; exit 2; }
  val="$1"; shift
  case "$opt" in
    --scenario) scenario=$val ;; --transport) transport=$val ;; --users) users=$val ;;
    --generators) generators=$val ;; --target) targets=$val ;; --ws-url) ws_urls=$val ;; --domain) domain=$val ;;
    --source-ips) source_ips=$val ;; --ramp) ramp=$val ;; --hold) hold=$val ;; --duration) duration=$val ;;
    --rate) rate=$val ;; --contacts) contacts=$val ;; --changes) changes=$val ;; --change-gap) change_gap=$val ;;
    --history) history=$val ;; --mam-pages) mam_pages=$val ;; --prefix) prefix=$val ;; --password) password=$val ;;
    --mechanisms) mechanisms=$val ;; --max-error-percent) max_error=$val ;; --timeout) timeout=$val ;;
    --barrier-timeout) barrier_timeout=$val ;;
    --heap) heap=$val ;; --server-pid) server_pids=$val ;; --out) out=$val ;;
    *) echo "run.sh: unknown option $opt" >&2; usage >&2; exit 2 ;;
  esac
done

case "$scenario" in hold|chat|presence-storm|login-storm|mam) ;; *) echo "run.sh: unknown scenario $scenario" >&2; exit 2 ;; esac
case "$transport" in
  tcp) simulation=io.switchboard.loadtest.simulation.XmppTcpSimulation ;;
  websocket)
    simulation=io.switchboard.loadtest.simulation.XmppWebSocketSimulation
    case "$scenario" in hold|chat) ;; *) echo "run.sh: over WebSocket only hold and chat are implemented" >&2; exit 2 ;; esac ;;
  *) echo "run.sh: --transport tcp|websocket" >&2; exit 2 ;;
esac
for t in ${targets//,/ } ${ws_urls//,/ }; do
  case "$t" in 127.*|localhost*|ws://127.*|wss://127.*|ws://localhost*|wss://localhost*) ;;
    *) echo "run.sh: loopback targets only ($t)" >&2; exit 2 ;; esac
done
if [[ -z "$prefix" ]]; then
  case "$scenario" in presence-storm) prefix="lp${contacts}c" ;; mam) prefix="lm${history}h" ;; *) prefix=lt ;; esac
fi
# Each generator keeps under the 20,000 open files of a process: at most 15,000 clients (12,000 by default).
if [[ "$generators" -le 0 ]]; then generators=$(( (users + 11999) / 12000 )); fi
per=$(( (users + generators - 1) / generators ))
per=$(( per + per % 2 ))   # chat pairs (2k, 2k+1) stay in one generator
if (( per > 15000 )); then echo "run.sh: $per users per generator is more than 15000: use more --generators" >&2; exit 2; fi

run_id="$(date +%H%M%S)-$scenario"
out="${out:-$MODULE/$BUILD_DIR/runs/$run_id}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# ---- class path ------------------------------------------------------------------------------------
cp_file="$MODULE/$BUILD_DIR/test-classpath.txt"
if [[ ! -f "$cp_file" || ! -d "$MODULE/$BUILD_DIR/test-classes/io" ]]; then
  echo "run.sh: building the load-test module (once) ..."
  (cd "$ROOT" && ./mvnw -q -B -ntp -pl load-tests/gatling "-Dsb.buildDir=$BUILD_DIR" test-compile)
fi
CP="$MODULE/$BUILD_DIR/test-classes:$(cat "$cp_file")"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# What gatling-maven-plugin passes to Gatling's JVM, plus IPv4 (loopback addresses 127.0.0.x).
GATLING_JVM=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
  -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 -XX:+HeapDumpOnOutOfMemoryError -Djava.net.preferIPv4Stack=true)

# ---- processes we start are stopped on every exit path ---------------------------------------------
gen_pids=()
cleanup() {
  for p in "${gen_pids[@]:-}"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

rss_kib() {  # sum of VmRSS over the given pids (0 when none is alive)
  local total=0 p v
  for p in ${server_pids//,/ }; do
    v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

echo "run.sh: run $run_id: $scenario over $transport, $users users in $generators generator(s), output $out"

# ---- provisioning ----------------------------------------------------------------------------------
if [[ "$provision" == 1 ]]; then
  prov=(--target "${targets%%,*}" --domain "$domain" --prefix "$prefix" --password "$password" --users "$users"
        --mechanisms "$mechanisms" --timeout "$timeout")
  [[ "$scenario" == presence-storm ]] && prov+=(--contacts "$contacts")
  [[ "$scenario" == mam ]] && prov+=(--history "$history")
  "$JAVA" -Xmx512m -Djava.net.preferIPv4Stack=true -cp "$CP" io.switchboard.loadtest.tool.Provision "${prov[@]}" \
    2>&1 | tee "$out/provision.log"
  [[ "${PIPESTATUS[0]}" == 0 ]] || { echo "run.sh: provisioning failed" >&2; exit 1; }
fi

# ---- generators ------------------------------------------------------------------------------------
rss_base=$(rss_kib)
began=$(date +%s)
for (( k = 0; k < generators; k++ )); do
  offset=$(( k * per ))
  count=$(( users - offset < per ? users - offset : per ))
  (( count > 0 )) || break
  case "$source_ips" in
    auto) src="127.0.0.$(( 11 + k ))" ;;
    none) src="" ;;
    *) IFS=, read -r -a all_ips <<<"$source_ips"; src="${all_ips[$(( k % ${#all_ips[@]} ))]}" ;;
  esac
  mkdir -p "$out/gen-$k"
  "$JAVA" "-Xmx$heap" "-Xms$heap" "${GATLING_JVM[@]}" -cp "$CP" \
    -Dxmpp.scenario="$scenario" -Dxmpp.domain="$domain" -Dxmpp.targets="$targets" -Dxmpp.wsUrls="$ws_urls" \
    -Dxmpp.localAddresses="$src" -Dxmpp.prefix="$prefix" -Dxmpp.password="$password" \
    -Dxmpp.userOffset="$offset" -Dxmpp.users="$count" -Dxmpp.totalUsers="$users" \
    -Dxmpp.ramp="$ramp" -Dxmpp.hold="$hold" -Dxmpp.duration="$duration" -Dxmpp.rate="$rate" \
    -Dxmpp.contacts="$contacts" -Dxmpp.changes="$changes" -Dxmpp.changeGap="$change_gap" \
    -Dxmpp.history="$history" -Dxmpp.mamMaxPages="$mam_pages" -Dxmpp.mechanisms="$mechanisms" \
    -Dxmpp.timeout="$timeout" -Dxmpp.barrierTimeout="$barrier_timeout" -Dxmpp.maxErrorPercent="$max_error" \
    -Dxmpp.runDir="$out" -Dxmpp.runId="$run_id" -Dxmpp.generator="$k" -Dxmpp.generators="$generators" \
    io.gatling.app.Gatling -s "$simulation" -rf "$out/gen-$k/reports" \
    -rd "$scenario $transport users $offset..$(( offset + count - 1 )) of $users (generator $(( k + 1 ))/$generators)" \
    >"$out/gen-$k/gatling.log" 2>&1 </dev/null &
  gen_pids+=($!)
done
generators=${#gen_pids[@]}

# ---- progress --------------------------------------------------------------------------------------
progress() {  # one line from every generator's progress.properties
  { cat "$out"/gen-*/progress.properties 2>/dev/null || true; } | awk -F= '
    { v[$1] += $2 }
    END {
      printf "connected %d/%d  logins %d  errors %d", v["connected.now"], v["users"], v["logins"], v["errors"]
      if (v["chat.sent"] > 0) printf "  sent %d  received %d", v["chat.sent"], v["chat.received"]
      if (v["presence.sent"] > 0) printf "  presence sent %d received %d", v["presence.sent"], v["presence.received"]
      if (v["storm.logins"] > 0) printf "  storm logins %d", v["storm.logins"]
      if (v["mam.pages"] > 0) printf "  mam pages %d", v["mam.pages"]
      printf "|%d\n", v["connected.now"]
    }'
}
rss_peak=0 rss_conns=0
while :; do
  alive=0
  for p in "${gen_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$(( alive + 1 )); done
  line="$(progress)"
  connected="${line##*|}"
  msg="${line%|*}"
  if [[ -n "$server_pids" ]]; then
    rss=$(rss_kib)
    msg="$msg  server RSS $(( rss / 1024 )) MiB"
    # The sample with the most clients connected (the later one on a tie, after things settle).
    if (( connected > 0 && connected >= rss_conns )); then rss_peak=$rss rss_conns=$connected; fi
  fi
  printf 'run.sh: %4ds  %s  (%d/%d generators running)\n' $(( $(date +%s) - began )) "$msg" "$alive" "$generators"
  (( alive > 0 )) || break
  sleep 5
done

codes=()
for p in "${gen_pids[@]}"; do
  if wait "$p"; then codes+=(0); else codes+=($?); fi
done
gen_pids=()
IFS=,; exit_codes="${codes[*]}"; unset IFS

for (( k = 0; k < generators; k++ )); do
  report=$(ls -d "$out/gen-$k/reports"/*/index.html 2>/dev/null | head -1 || true)
  echo "run.sh: generator $k exit ${codes[$k]}, report ${report:-(none: see $out/gen-$k/gatling.log)}"
done

summary=(--run "$out" --exit-codes "$exit_codes" --max-error-percent "$max_error" --duration "$duration"
         --append "$MODULE/$BUILD_DIR/runs/summaries.log")
[[ "$scenario" == chat ]] || summary[7]=0
if [[ -n "$server_pids" ]] && (( rss_peak > 0 )); then
  summary+=(--rss-baseline-kib "$rss_base" --rss-peak-kib "$rss_peak" --rss-connections "$rss_conns")
fi
set +e
"$JAVA" -Xmx128m -cp "$CP" io.switchboard.loadtest.tool.Summarize "${summary[@]}" | tee "$out/summary.txt"
exit "${PIPESTATUS[0]}"
