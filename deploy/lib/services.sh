# shellcheck shell=bash
# deploy/lib/services.sh: building the services and running their replicas: start, readiness, stop, status, URLs.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# ---------------------------------------------------------------------------
# Build and services
# ---------------------------------------------------------------------------
build() {
  ensure_tools
  say "building (mvn -B -q -DskipTests package)"
  local t0
  t0="$(now)"
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package) || die "build failed (mvn -B -DskipTests package at $ROOT)"
  local svc missing=()
  for svc in "${SERVICES[@]}"; do
    [[ -f "$(service_jar "$svc")" ]] || missing+=("$svc-service")
  done
  [[ ${#missing[@]} -eq 0 ]] || die "build produced no quarkus-run.jar for: ${missing[*]}"
  say "build done in $(( $(now) - t0 ))s"
}

# True if any service jar is missing or older than the sources it is built from.
needs_build() {
  local svc jar dir
  for svc in "${SERVICES[@]}"; do
    jar="$(service_jar "$svc")"
    [[ -f "$jar" ]] || return 0
    [[ "$ROOT/pom.xml" -nt "$jar" ]] && return 0
    for dir in "$svc-service" events service-kit; do
      [[ "$ROOT/$dir/pom.xml" -nt "$jar" ]] && return 0
      if [[ -d "$ROOT/$dir/src/main" ]] && [[ -n "$(find "$ROOT/$dir/src/main" -type f -newer "$jar" -print -quit)" ]]; then
        return 0
      fi
    done
  done
  return 1
}

# Each replica carries -Dstride.instance=<name> on its command line: the marker that tells replicas apart.
instance_marker() { echo "-Dstride.instance=$1"; }

# instance_pid NAME: the pid of a running replica (planner, planner-2 ...).
instance_pid() { read_pid "$1" "$(instance_marker "$1")"; }

# instances N: every replica name of every service, replica 1 of each first.
instances() {
  local i svc
  for (( i = 1; i <= $1; i++ )); do
    for svc in "${SERVICES[@]}"; do instance_name "$svc" "$i"; done
  done
}

# service_start SERVICE [INDEX]: starts that replica unless it runs.
service_start() {
  local svc="$1" index="${2:-1}" inst jar port pid
  inst="$(instance_name "$svc" "$index")"
  jar="$(service_jar "$svc")"
  port="$(instance_port "$svc" "$index")"
  if pid="$(instance_pid "$inst")"; then
    say "$inst: already running (pid $pid)"
    return 0
  fi
  [[ -f "$jar" ]] || die "$svc: $jar is missing (run 'deploy/stride build')"
  if port_open localhost "$port"; then
    die "$inst: port $port is already in use by a process stride did not start"
  fi
  rotate "$LOGS/$inst.log"
  # Ports, Kafka and database follow this state dir's settings; the demo adds its own configuration file. Every
  # replica of a service shares its database and its Kafka consumer groups: they split the work between them.
  local config=()
  if [[ "${DEMO_CONFIG:-0}" == 1 && -f "$STATE/demo/config/$svc.properties" ]]; then
    config=("QUARKUS_CONFIG_LOCATIONS=file:$STATE/demo/config/$svc.properties")
  fi
  # shellcheck disable=SC2086 # SERVICE_JAVA_OPTS holds several JVM options
  (cd "$ROOT/$svc-service" && exec env "$MANAGED" \
      "MP_JWT_VERIFY_PUBLICKEY_LOCATION=file:$JWT_DIR/public.pem" \
      "QUARKUS_HTTP_PORT=$port" "KAFKA_BOOTSTRAP_SERVERS=localhost:$KAFKA_PORT" \
      "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://$PG_HOST:$PG_PORT/${DB_PREFIX}_$svc" \
      "QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://$PG_HOST:$PG_PORT/${DB_PREFIX}_$svc" \
      "${config[@]}" \
      setsid nohup "$JAVA" $SERVICE_JAVA_OPTS "$(instance_marker "$inst")" -jar "$jar" \
      >"$LOGS/$inst.log" 2>&1 </dev/null 9>&-) &
  pid=$!
  # Not a job of this shell: a replica the e2e test kills is not reported as "Killed" with its whole command line.
  disown "$pid"
  echo "$pid" >"$PIDS/$inst.pid"
  say "$inst: started (pid $pid, port $port, log $LOGS/$inst.log)"
}

# services_start N: replicas 1..N of every service.
services_start() {
  local i svc
  for (( i = 1; i <= $1; i++ )); do
    for svc in "${SERVICES[@]}"; do service_start "$svc" "$i"; done
  done
}

service_fail() {
  local inst="$1" why="$2"
  {
    echo "---- tail of $LOGS/$inst.log ----"
    tail -n 40 "$LOGS/$inst.log" 2>/dev/null || true
    echo "----"
  } >&2
  die "$inst: $why (log: $LOGS/$inst.log; 'deploy/stride down' stops everything)"
}

# wait_services_ready NAME...: until every named replica (default: all of the wanted count) answers ready.
wait_services_ready() {
  local deadline inst pid code t0 pending still svc index timeout
  local -A last=()
  t0="$(now)"
  # N replicas of five JVMs start at once: on two cores each takes N times as long.
  timeout="${READY_TIMEOUT:-$(( 120 + 60 * ($(wanted_replicas) - 1) ))}"
  deadline=$(( t0 + timeout ))
  if [[ $# -gt 0 ]]; then pending=("$@"); else mapfile -t pending < <(instances "$(wanted_replicas)"); fi
  while [[ ${#pending[@]} -gt 0 ]]; do
    still=()
    for inst in "${pending[@]}"; do
      read -r svc index <<<"$(instance_parse "$inst")"
      pid="$(instance_pid "$inst")" || service_fail "$inst" "exited during startup"
      code="$(http_status "http://localhost:$(instance_port "$svc" "$index")/q/health/ready")"
      if [[ "$code" == "200" ]]; then
        say "$inst: ready (pid $pid, $(( $(now) - t0 ))s)"
      else
        last[$inst]="$code"
        still+=("$inst")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    [[ ${#pending[@]} -eq 0 ]] && break
    if (( $(now) >= deadline )); then
      inst="${pending[0]}"
      code="${last[$inst]:-000}"
      if [[ "$code" == "000" ]]; then code="no answer"; else code="HTTP $code"; fi
      service_fail "$inst" "not ready within ${timeout}s (GET /q/health/ready: $code); still waiting for: ${pending[*]}"
    fi
    sleep 1
  done
}

# instances_stop NAME...: TERM those replicas that run (KILL after STRIDE_STOP_TIMEOUT), remove their pid files.
instances_stop() {
  local inst pid items=()
  for inst in "$@"; do
    if pid="$(instance_pid "$inst")"; then
      say "$inst: stopping (pid $pid)"
      items+=("$inst:$pid")
    fi
  done
  if [[ ${#items[@]} -gt 0 ]]; then
    stop_pids "$STOP_TIMEOUT" "${items[@]}"
  fi
  for inst in "$@"; do rm -f "$PIDS/$inst.pid"; done
  [[ ${#items[@]} -gt 0 ]]
}

services_down() {
  local all
  mapfile -t all < <(instances "$(known_replicas)")
  if instances_stop "${all[@]}"; then say "services stopped"; else say "services: none running"; fi
  rm -f "$REPLICAS_FILE"
}

# Replicas above N that an earlier, larger run left running: up --replicas N scales down to N.
services_scale_down() {
  local n="$1" known i svc extra=()
  known="$(known_replicas)"
  for (( i = n + 1; i <= known; i++ )); do
    for svc in "${SERVICES[@]}"; do extra+=("$(instance_name "$svc" "$i")"); done
  done
  if [[ ${#extra[@]} -gt 0 ]] && instances_stop "${extra[@]}"; then say "scaled down to $n replica(s) of each service"; fi
  return 0
}

service_status() {
  local inst="$1" svc index pid state="stopped" ready="-" port code
  read -r svc index <<<"$(instance_parse "$inst")"
  port="$(instance_port "$svc" "$index")"
  if pid="$(instance_pid "$inst")"; then state="running"; else pid="-"; fi
  code="$(http_status "http://localhost:$port/q/health/ready")"
  case "$code" in
    200) ready="ready" ;;
    000) ready="not ready" ;;
    *)   ready="not ready (HTTP $code)" ;;
  esac
  [[ "$state" == "stopped" && "$code" != "000" ]] && state="foreign"
  printf '%-10s %-8s pid=%-8s %-10s http://localhost:%s\n' "$inst" "$state" "$pid" "$ready" "$port"
}

print_urls() {
  local svc port n i more
  n="$(wanted_replicas)"
  echo
  echo "Stride is up:"
  for svc in "${SERVICES[@]}"; do
    port="$(service_port "$svc")"
    more=""
    for (( i = 2; i <= n; i++ )); do more="$more :$(instance_port "$svc" "$i")"; done
    [[ -n "$more" ]] && more="  replicas 2-$n on$more"
    printf '  %-9s http://localhost:%s  (health /q/health, metrics /q/metrics, API docs /q/swagger-ui)%s\n' \
      "$svc" "$port" "$more"
  done
  echo "  deployments API: http://localhost:$(service_port planner)/api/v1/deployments"
  echo "  tokens    deploy/stride token stride-requester   (send as: Authorization: Bearer <token>)"
  echo "  kafka     localhost:$KAFKA_PORT ($KAFKA_PARTITIONS partitions a topic)    postgres $PG_HOST:$PG_PORT (stride/stride)"
  echo "  logs      deploy/stride logs <service|service-N|kafka>   (files in $LOGS)"
  echo "  stop      deploy/stride down"
}
