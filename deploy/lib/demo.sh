# shellcheck shell=bash
# deploy/lib/demo.sh: the demo target of `deploy/stride demo`, sourced by deploy/stride (uses its helpers).
#
# On loopback: a sample app as two instances (stable, canary) behind one HAProxy backend with its runtime API
# socket and Prometheus exporter, a Prometheus scraping both instances and HAProxy every second, a webhook
# receiver standing in for Slack, Statuspage and PagerDuty, and a bounded load generator. Ports derive from
# STRIDE_DEMO_PORT_BASE (18080).

DEMO_DIR="$STATE/demo"
DEMO_BASE="${STRIDE_DEMO_PORT_BASE:-18080}"
DEMO_FRONTEND=$DEMO_BASE
DEMO_STABLE_PORT=$(( DEMO_BASE + 1 ))
DEMO_CANARY_PORT=$(( DEMO_BASE + 2 ))
DEMO_EXPORTER_PORT=$(( DEMO_BASE + 4 ))
DEMO_RECEIVER_PORT=$(( DEMO_BASE + 19 ))
DEMO_PROMETHEUS_PORT=$(( DEMO_BASE + 1010 ))
DEMO_JAR="$ROOT/deploy/demo/target/stride-demo.jar"
DEMO_SOCKET="$DEMO_DIR/haproxy.sock"
DEMO_LOAD_RATE="${STRIDE_DEMO_LOAD_RATE:-40}"
DEMO_LOAD_SECONDS="${STRIDE_DEMO_LOAD_SECONDS:-900}"
DEMO_PARTS=(load canary stable haproxy prometheus receiver)
# The demo app's own database: made fresh with v1's schema by every demo; v2's deployment migrates it (expand).
DEMO_APP_DB="${DB_PREFIX}_demo_app"
DEMO_APP_DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DEMO_APP_DB"
DEMO_APP_DB_PASSWORD="$DEMO_DIR/app-db-password"
DEMO_APP_ROLE="${DB_PREFIX}_demo_app"
DEMO_MIGRATIONS="$ROOT/deploy/demo/migrations"
DEMO_BACKUPS="$DEMO_DIR/backups"

demo_marker() {
  case "$1" in
    haproxy) echo "$DEMO_DIR/haproxy.cfg" ;;
    prometheus) echo "--config.file=$DEMO_DIR/prometheus.yml" ;;
    *) echo "-Dstride.demo.role=$1" ;;
  esac
}

demo_pid() { read_pid "demo-$1" "$(demo_marker "$1")"; }

demo_packages() {
  local missing=()
  [[ -x /usr/sbin/haproxy ]] || command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  is_root || die "the demo needs ${missing[*]} (apt-get install ${missing[*]}, or run as root)"
  say "installing ${missing[*]} (apt-get; only their binaries are used, on ports of the demo's own)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 9>&- \
    || die "apt-get install ${missing[*]} failed"
}

demo_write_configs() {
  mkdir -p "$DEMO_DIR"
  cat >"$DEMO_DIR/haproxy.cfg" <<CFG
# Written by deploy/stride demo. The executor moves traffic through the runtime API socket below.
global
    stats socket $DEMO_SOCKET mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s

frontend demo
    bind 127.0.0.1:$DEMO_FRONTEND
    default_backend demo

frontend exporter
    bind 127.0.0.1:$DEMO_EXPORTER_PORT
    http-request use-service prometheus-exporter if { path /metrics }

backend demo
    balance roundrobin
    server stable 127.0.0.1:$DEMO_STABLE_PORT weight 100
    server canary 127.0.0.1:$DEMO_CANARY_PORT weight 0
CFG
  cat >"$DEMO_DIR/prometheus.yml" <<CFG
# Written by deploy/stride demo.
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: demo-app
    static_configs:
      - targets: ['127.0.0.1:$DEMO_STABLE_PORT', '127.0.0.1:$DEMO_CANARY_PORT']
  - job_name: haproxy
    static_configs:
      - targets: ['127.0.0.1:$DEMO_EXPORTER_PORT']
CFG
}

# demo_java ROLE ARGS...: one of the demo jar's processes, in the background, logged to demo-ROLE.log.
demo_java() {
  local role="$1"; shift
  rotate "$LOGS/demo-$role.log"
  (cd "$ROOT" && exec env "$MANAGED" setsid nohup "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      "-Dstride.demo.role=$role" -jar "$DEMO_JAR" "$@" >"$LOGS/demo-$role.log" 2>&1 </dev/null 9>&-) &
  echo $! >"$PIDS/demo-$role.pid"
}

demo_app() {
  local role="$1" version="$2" errors="$3" port reads=id,total_cents
  [[ "$role" == stable ]] && port=$DEMO_STABLE_PORT || port=$DEMO_CANARY_PORT
  # v1 reads the orders it always had; v2 and later also read the column v2's expand migration adds.
  [[ "$version" == v1 ]] || reads=id,total_cents,currency
  demo_stop "$role"
  demo_java "$role" app --port "$port" --version "$version" --track "$role" --error-ratio "$errors" --latency-ms 20 \
    --database-url "$DEMO_APP_DB_URL" --database-user "$DEMO_APP_ROLE" --database-password-file "$DEMO_APP_DB_PASSWORD" \
    --reads "$reads"
  demo_wait_http "$role" "http://127.0.0.1:$port/health"
  say "demo: $role instance runs $version (error ratio $errors) on 127.0.0.1:$port"
}

# True if the demo's jar is missing or older than its pom or sources (the scenario runner changes with the test).
demo_needs_build() {
  [[ -f "$DEMO_JAR" ]] || return 0
  [[ "$ROOT/deploy/demo/pom.xml" -nt "$DEMO_JAR" ]] && return 0
  [[ -n "$(find "$ROOT/deploy/demo/src/main" -type f -newer "$DEMO_JAR" -print -quit)" ]]
}

demo_wait_http() {
  local what="$1" url="$2" deadline
  deadline=$(( $(now) + 30 ))
  until [[ "$(http_status "$url")" == "200" ]]; do
    demo_pid "$what" >/dev/null || { tail -n 20 "$LOGS/demo-$what.log" >&2 2>/dev/null; die "demo: $what exited (log: $LOGS/demo-$what.log)"; }
    (( $(now) < deadline )) || die "demo: $what did not answer $url within 30s (log: $LOGS/demo-$what.log)"
    sleep 0.5
  done
}

demo_haproxy() {
  local port
  for port in "$DEMO_FRONTEND" "$DEMO_EXPORTER_PORT"; do
    port_open 127.0.0.1 "$port" && die "demo: port $port is in use (STRIDE_DEMO_PORT_BASE moves the demo's ports)"
  done
  rm -f "$DEMO_SOCKET"
  rotate "$LOGS/demo-haproxy.log"
  (exec env "$MANAGED" setsid nohup "$(command -v haproxy || echo /usr/sbin/haproxy)" -db -f "$DEMO_DIR/haproxy.cfg" \
      >"$LOGS/demo-haproxy.log" 2>&1 </dev/null 9>&-) &
  echo $! >"$PIDS/demo-haproxy.pid"
  demo_wait_http haproxy "http://127.0.0.1:$DEMO_EXPORTER_PORT/metrics"
  say "demo: HAProxy on 127.0.0.1:$DEMO_FRONTEND (runtime API $DEMO_SOCKET, exporter :$DEMO_EXPORTER_PORT/metrics)"
}

demo_prometheus() {
  port_open 127.0.0.1 "$DEMO_PROMETHEUS_PORT" && die "demo: port $DEMO_PROMETHEUS_PORT is in use"
  rm -rf "$DEMO_DIR/prometheus-data"
  rotate "$LOGS/demo-prometheus.log"
  (exec env "$MANAGED" setsid nohup prometheus "--config.file=$DEMO_DIR/prometheus.yml" \
      "--storage.tsdb.path=$DEMO_DIR/prometheus-data" "--web.listen-address=127.0.0.1:$DEMO_PROMETHEUS_PORT" \
      --storage.tsdb.retention.time=1d >"$LOGS/demo-prometheus.log" 2>&1 </dev/null 9>&-) &
  echo $! >"$PIDS/demo-prometheus.pid"
  demo_wait_http prometheus "http://127.0.0.1:$DEMO_PROMETHEUS_PORT/-/ready"
  say "demo: Prometheus on http://127.0.0.1:$DEMO_PROMETHEUS_PORT (scraping every 1s)"
}

# Until Prometheus has scraped both instances, no analysis can see anything.
demo_wait_scraped() {
  local deadline up
  deadline=$(( $(now) + 30 ))
  while :; do
    up="$(curl -s --max-time 3 "http://127.0.0.1:$DEMO_PROMETHEUS_PORT/api/v1/query?query=sum(up)" \
      | sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')"
    [[ "$up" == "3" ]] && return 0
    (( $(now) < deadline )) || die "demo: Prometheus does not see all three targets up (log: $LOGS/demo-prometheus.log)"
    sleep 1
  done
}

demo_stop() {
  local part pid items=()
  for part in "$@"; do
    if pid="$(demo_pid "$part")"; then items+=("demo-$part:$pid"); fi
  done
  if [[ ${#items[@]} -gt 0 ]]; then stop_pids 10 "${items[@]}"; fi
  for part in "$@"; do rm -f "$PIDS/demo-$part.pid"; done
}

demo_down() {
  local part any=0
  for part in "${DEMO_PARTS[@]}"; do demo_pid "$part" >/dev/null && any=1; done
  demo_stop "${DEMO_PARTS[@]}"
  if (( any )); then say "demo target stopped"; fi
}

demo_status() {
  local part pid
  for part in "${DEMO_PARTS[@]}"; do
    if pid="$(demo_pid "$part")"; then
      printf '%-10s %-8s pid=%s\n' "demo-$part" running "$pid"
    fi
  done
}

demo_runtime() {
  "$JAVA" -jar "$DEMO_JAR" haproxy --socket "$DEMO_SOCKET" --command "$1" >/dev/null \
    || die "demo: HAProxy refused '$1'"
}

# After a successful canary on HAProxy's fixed servers, the new version becomes the stable instance and
# traffic returns to it, as a VM pipeline does after promotion; the canary slot is then free for the next one.
demo_promote() {
  local version="$1"
  say "demo: promoting $version onto the stable instance (the canary keeps serving meanwhile)"
  demo_app stable "$version" 0
  demo_runtime "set weight demo/stable 100"
  demo_runtime "set server demo/stable state ready"
  demo_runtime "set weight demo/canary 0"
  demo_runtime "set server demo/canary state drain"
}

# Per-service configuration for the demo: read through QUARKUS_CONFIG_LOCATIONS by service_start.
demo_service_configs() {
  mkdir -p "$DEMO_DIR/config"
  cat >"$DEMO_DIR/config/planner.properties" <<CFG
# The demo's application goes to production without a staging run or an approval, so it fits in minutes.
stride.progression.application.demo.requires.production=
stride.approvals.application.demo.required.production=0
CFG
  cat >"$DEMO_DIR/config/verifier.properties" <<CFG
# The demo's Prometheus; the demo application is measured every second over 10 s windows.
stride.verifier.prometheus.url=http://127.0.0.1:$DEMO_PROMETHEUS_PORT
stride.verifier.application.demo.interval=1s
stride.verifier.application.demo.window=10s
# health_check_success_rate: the verifier probes the canary instance's own health endpoint (no query counts it).
stride.verifier.application.demo.probe.url=http://127.0.0.1:$DEMO_CANARY_PORT/health
# After a rollback stable is verified on the stable server's series: the demo's servers keep their versions, so
# the version that last SUCCEEDED (the healthy scenario's, on the canary server) is not what serves as stable.
stride.verifier.application.demo.stable-selector=track="{track}"
CFG
  cat >"$DEMO_DIR/config/notifier.properties" <<CFG
# Slack and Statuspage are the demo's receiver; URL, page and key are stand-ins, not secrets.
stride.notifier.channels.slack.type=slack
stride.notifier.channels.slack.url=http://127.0.0.1:$DEMO_RECEIVER_PORT/slack/T0DEMO/B0DEMO/demo
stride.notifier.channels.status.type=statuspage
stride.notifier.channels.status.api-base=http://127.0.0.1:$DEMO_RECEIVER_PORT
stride.notifier.channels.status.page-id=demo-page
stride.notifier.channels.status.api-key=demo-key
stride.notifier.channels.status.components=demo-app
stride.notifier.routes.default.channels=slack,status
stride.notifier.on-call.channels=slack
stride.notifier.links.deployment=http://127.0.0.1:$(service_port planner)/api/v1/deployments/{deploymentId}
stride.notifier.links.incident=http://127.0.0.1:$(service_port incident)/api/v1/incidents/{incidentId}
CFG
  cat >"$DEMO_DIR/config/incident.properties" <<CFG
# PagerDuty is the demo's receiver; the routing key is a stand-in, not a secret.
stride.incident.pagerduty.url=http://127.0.0.1:$DEMO_RECEIVER_PORT
stride.incident.pagerduty.routing-key=demo-routing-key
CFG
  cat >"$DEMO_DIR/config/executor.properties" <<CFG
CFG
}

cmd_demo() {
  parse_replicas_option "$@"
  local n
  n="$(wanted_replicas)"
  take_lock
  ensure_tools
  demo_packages
  pg_up
  demo_fresh_databases
  kafka_up
  kafka_ensure_topics
  if needs_build || demo_needs_build; then build; else say "jars are up to date, not building"; fi
  jwt_keys
  demo_down
  demo_write_configs
  demo_service_configs
  demo_java receiver receiver --port "$DEMO_RECEIVER_PORT"
  demo_wait_http receiver "http://127.0.0.1:$DEMO_RECEIVER_PORT/received"
  demo_app_database
  demo_app stable v1 0
  demo_app canary v2 0
  demo_haproxy
  demo_prometheus
  # The services read the demo's configuration: restart any that run without it.
  services_down
  local t0
  DEMO_CONFIG=1
  echo "$n" >"$REPLICAS_FILE"
  services_start "$n"
  wait_services_ready
  demo_java load load --url "http://127.0.0.1:$DEMO_FRONTEND/" --rate "$DEMO_LOAD_RATE" --seconds "$DEMO_LOAD_SECONDS"
  demo_wait_scraped
  make_token demo 2 stride-requester stride-viewer >"$DEMO_DIR/token"
  chmod 600 "$DEMO_DIR/token"
  exec 9>&-
  t0="$(now)"
  local run=("$JAVA" -jar "$DEMO_JAR" run --planner "$(replica_urls planner "$n")"
    --incident "$(replica_urls incident "$n")" --notifier "$(replica_urls notifier "$n")" --receiver "http://127.0.0.1:$DEMO_RECEIVER_PORT"
    --prometheus "http://127.0.0.1:$DEMO_PROMETHEUS_PORT" --haproxy-socket "$DEMO_SOCKET"
    --token-file "$DEMO_DIR/token" --timeout "${STRIDE_DEMO_TIMEOUT:-240}" --kafka "localhost:$KAFKA_PORT"
    --app-database "$DEMO_APP_DB_URL" --app-database-user "$DEMO_APP_ROLE"
    --app-database-password-file "$DEMO_APP_DB_PASSWORD"
    --migrations "$DEMO_MIGRATIONS" --backups "$DEMO_BACKUPS")
  # The end-to-end test (STRIDE_DEMO_KILL=1, at least 2 replicas) kills one replica of every service with SIGKILL
  # in the middle of each canary: replica 1 while the healthy one ramps up (25%), replica 2 while the failing
  # one's first traffic phase runs (its breach and rollback then happen with one replica of each service left).
  # The replicas killed first are started again between the two; the second ones stay down (e2e stops it all next).
  local kill_healthy=() kill_failing=() killed=() victims
  if [[ "${STRIDE_DEMO_KILL:-0}" == 1 ]]; then
    (( n >= 2 )) || die "demo: STRIDE_DEMO_KILL=1 needs at least 2 replicas (--replicas 2)"
    victims="$(replica_set 1)"
    mapfile -t killed <<<"$victims"
    kill_healthy=(--midway-phase ramp-up --midway-command "$(kill_command "${killed[@]}")")
  fi
  "${run[@]}" --scenario healthy --version v2 --health-url "http://127.0.0.1:$DEMO_CANARY_PORT/health" \
    "${kill_healthy[@]}" \
    || die "demo: the healthy canary did not end as expected (the stack stays up: deploy/stride status, logs)"
  if [[ ${#killed[@]} -gt 0 ]]; then
    demo_restart "${killed[@]}"
    victims="$(replica_set 2)"
    mapfile -t killed <<<"$victims"
    kill_failing=(--midway-phase initial --midway-command "$(kill_command "${killed[@]}")")
  fi
  demo_promote v2
  demo_app canary v3 0.1
  demo_wait_scraped
  "${run[@]}" --scenario failing --version v3 --health-url "http://127.0.0.1:$DEMO_CANARY_PORT/health" \
    "${kill_failing[@]}" \
    || die "demo: the failing canary did not end as expected (the stack stays up: deploy/stride status, logs)"
  echo
  say "demo: both scenarios done in $(( $(now) - t0 ))s"
  demo_print_urls
}

# replica_urls SERVICE N: the base URLs of its N replicas, comma-separated, replica 1 first.
replica_urls() {
  local i urls=""
  for (( i = 1; i <= $2; i++ )); do urls="$urls${urls:+,}http://127.0.0.1:$(instance_port "$1" "$i")"; done
  echo "$urls"
}

# replica_set INDEX: replica INDEX of every service, as "name:pid" (each must be running).
replica_set() {
  local svc inst pid
  for svc in "${SERVICES[@]}"; do
    inst="$(instance_name "$svc" "$1")"
    pid="$(instance_pid "$inst")" || die "demo: $inst is not running, so it cannot be killed midway"
    echo "$inst:$pid"
  done
}

# kill_command NAME:PID...: the bash the scenario runs midway: SIGKILL, no warning, as a crash or an OOM kill.
kill_command() {
  local item names="" pids=""
  for item in "$@"; do names="$names ${item%%:*}(${item#*:})"; pids="$pids ${item#*:}"; done
  echo "echo 'killing with SIGKILL:$names'; kill -KILL$pids"
}

# demo_restart NAME:PID...: the killed replicas are gone (no pid of theirs left), then start again and get ready.
demo_restart() {
  local item inst svc index names=() deadline
  deadline=$(( $(now) + 10 ))
  for item in "$@"; do
    inst="${item%%:*}"
    while pid_ours "${item#*:}" "$(instance_marker "$inst")"; do
      (( $(now) < deadline )) || die "demo: $inst (pid ${item#*:}) still runs after SIGKILL"
      sleep 0.2
    done
    names+=("$inst")
  done
  say "demo: starting the killed replicas again: ${names[*]}"
  for inst in "${names[@]}"; do
    read -r svc index <<<"$(instance_parse "$inst")"
    service_start "$svc" "$index"
  done
  wait_services_ready "${names[@]}"
}

demo_print_urls() {
  print_urls
  echo "  demo app     http://127.0.0.1:$DEMO_FRONTEND/  (HAProxy; stable :$DEMO_STABLE_PORT, canary :$DEMO_CANARY_PORT)"
  echo "  prometheus   http://127.0.0.1:$DEMO_PROMETHEUS_PORT/"
  echo "  receiver     http://127.0.0.1:$DEMO_RECEIVER_PORT/received  (what Slack, Statuspage and PagerDuty got)"
  echo "  haproxy      runtime API $DEMO_SOCKET"
}

# The demo app's database, fresh every demo: v1's schema (made before Flyway; v2's deployment baselines at 1),
# owned by a role of its own whose password is made up for each run and kept only in a file (mode 600), which
# the app and the executor read (a reference, never inline). Making a role needs the local cluster's superuser.
# The backups of earlier runs go with it.
demo_app_database() {
  command -v psql >/dev/null 2>&1 || die "psql is needed for the demo app's database"
  pg_is_local || die "demo: the sample app's database needs the local PostgreSQL (STRIDE_PG_HOST is $PG_HOST)"
  is_root || die "demo: making the sample app's database role needs root (the local cluster's postgres user)"
  local password
  password="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  mkdir -p "$DEMO_DIR"
  (umask 077 && printf '%s\n' "$password" >"$DEMO_APP_DB_PASSWORD")
  # On stdin, not the command line: no process listing shows the password.
  pg_super -f - >/dev/null 2>&1 <<SQL || die "making database $DEMO_APP_DB and role $DEMO_APP_ROLE failed"
DROP DATABASE IF EXISTS $DEMO_APP_DB WITH (FORCE);
DROP ROLE IF EXISTS $DEMO_APP_ROLE;
CREATE ROLE $DEMO_APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$password';
CREATE DATABASE $DEMO_APP_DB OWNER $DEMO_APP_ROLE;
SQL
  PGPASSWORD="$password" PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" \
    -U "$DEMO_APP_ROLE" -d "$DEMO_APP_DB" -f "$ROOT/deploy/demo/schema-v1.sql" >/dev/null \
    || die "the demo app's v1 schema failed"
  rm -rf "$DEMO_BACKUPS"
  say "demo: database $DEMO_APP_DB (role $DEMO_APP_ROLE) at v1's schema (orders: id, total_cents; 1000 rows)"
}

# STRIDE_FRESH_DATABASES=1: the services' databases are dropped and made again (the end-to-end test's own).
demo_fresh_databases() {
  [[ "${STRIDE_FRESH_DATABASES:-0}" == 1 ]] || return 0
  command -v psql >/dev/null 2>&1 || die "psql is needed to make fresh databases"
  local db
  for db in "${DATABASES[@]}"; do
    pg_stride -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || die "DROP DATABASE $db failed"
  done
  pg_ensure_databases
}

# The end-to-end test: the demo on a state dir, ports, Kafka and databases of its own, so a stack already up on
# this machine is neither used nor disturbed; then everything is stopped and no process of it may be left. Its
# ports stay below Linux's ephemeral range (32768-60999), where the tests' own servers and any client's outgoing
# connections take theirs.
cmd_e2e() {
  local home="${STRIDE_E2E_HOME:-$ROOT/.stride/e2e}" rc=0 t0 left=()
  local replicas="${STRIDE_E2E_REPLICAS:-2}"
  check_replicas "$replicas" STRIDE_E2E_REPLICAS
  # Services on 28081-28085, replica i 10*(i-1) above (28091-28095 for 2): below Kafka's 29092 and clear of the
  # demo's ports (24080-25090) for any replica count up to MAX_REPLICAS.
  local settings=(STRIDE_HOME="$home" STRIDE_PORT_BASE=28080 STRIDE_KAFKA_PORT=29092
    STRIDE_KAFKA_CONTROLLER_PORT=29093 STRIDE_DB_PREFIX=stride_e2e STRIDE_DEMO_PORT_BASE=24080
    STRIDE_DEMO_LOAD_SECONDS=300 STRIDE_FRESH_DATABASES=1 STRIDE_REPLICAS="$replicas"
    STRIDE_DEMO_KILL="$(( replicas >= 2 ? 1 : 0 ))")
  t0="$(now)"
  say "end-to-end test: the demo's two scenarios on $home, $replicas replica(s) of each service"
  env "${settings[@]}" "$ROOT/deploy/stride" down >/dev/null 2>&1 || true
  # A fresh start: no broker data, logs or pids from an earlier run (the Kafka jars are kept).
  rm -rf "$home/kafka/data" "$home/logs" "$home/pids" "$home/demo"
  env "${settings[@]}" "$ROOT/deploy/stride" demo || rc=$?
  if (( rc != 0 )); then
    warn "end-to-end: the demo failed; the last lines of each log under $home/logs:"
    local f
    for f in "$home"/logs/*.log; do
      [[ -f "$f" ]] || continue
      echo "---- $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  env "${settings[@]}" "$ROOT/deploy/stride" down || rc=1
  local pid
  while IFS= read -r pid; do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "STRIDE_MANAGED=$home"; then
      left+=("$pid:$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)")
    fi
  done < <(grep -lsaF "STRIDE_MANAGED=$home" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)
  if [[ ${#left[@]} -gt 0 ]]; then
    printf 'stride: left behind: %s\n' "${left[@]}" >&2
    rc=1
  fi
  (( rc == 0 )) || die "end-to-end test failed after $(( $(now) - t0 ))s"
  say "end-to-end test passed in $(( $(now) - t0 ))s; nothing left running"
}
