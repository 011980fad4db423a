# shellcheck shell=bash
# deploy/lib/common.sh: settings every part reads (state dir, ports, replicas, services), messages, the state lock,
# processes stride started (pid files, markers, stopping), small HTTP and TCP probes.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------
# ROOT (the checkout) is set by deploy/stride before it sources this.
STATE="${STRIDE_HOME:-$ROOT/.stride}"
PIDS="$STATE/pids"
LOGS="$STATE/logs"
KAFKA_DIR="$STATE/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_POM="$ROOT/deploy/kafka/pom.xml"

KAFKA_PORT="${STRIDE_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${STRIDE_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${STRIDE_KAFKA_HEAP:--Xmx512m}"
KAFKA_START_TIMEOUT="${STRIDE_KAFKA_TIMEOUT:-60}"
PG_HOST="${STRIDE_PG_HOST:-localhost}"
PG_PORT="${STRIDE_PG_PORT:-5432}"
PG_MARKER="$STATE/postgres.started-by-stride"
READY_TIMEOUT="${STRIDE_READY_TIMEOUT:-}"  # default: 120 s, and 60 s more for each replica above 1
STOP_TIMEOUT="${STRIDE_STOP_TIMEOUT:-30}"
# The local stack favours start-up over peak speed: on a machine of two cores, five to ten service JVMs compiling
# with C2 at once keep the cores busy for minutes after they answer (measured with 2 replicas: 0% idle, the demo's
# canary then scraped too late to have data). C1 alone compiles in a fraction of the time; SerialGC needs no GC
# threads of its own.
SERVICE_JAVA_OPTS="${STRIDE_SERVICE_JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"

PORT_BASE="${STRIDE_PORT_BASE:-8080}"
# Replicas of each service (up --replicas N, demo --replicas N): replica i listens on its service's port + 10*(i-1).
MAX_REPLICAS=9
REPLICA_PORT_STEP=10
REPLICAS="${STRIDE_REPLICAS:-}"
REPLICAS_FILE="$STATE/replicas"
# Partitions of every Stride topic: the most consumers of one group that can share a topic (deploy/README.md).
KAFKA_PARTITIONS="${STRIDE_KAFKA_PARTITIONS:-12}"
DB_PREFIX="${STRIDE_DB_PREFIX:-stride}"
SERVICES=(planner executor verifier notifier incident)
DATABASES=("${DB_PREFIX}_planner" "${DB_PREFIX}_executor" "${DB_PREFIX}_verifier" "${DB_PREFIX}_notifier" "${DB_PREFIX}_incident")

JAVA="java"

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
say()  { printf 'stride: %s\n' "$*"; }
warn() { printf 'stride: warning: %s\n' "$*" >&2; }
die()  { printf 'stride: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

now() { date +%s; }

service_port() {
  case "$1" in
    planner) echo $(( PORT_BASE + 1 )) ;; executor) echo $(( PORT_BASE + 2 )) ;; verifier) echo $(( PORT_BASE + 3 )) ;;
    notifier) echo $(( PORT_BASE + 4 )) ;; incident) echo $(( PORT_BASE + 5 )) ;;
    *) die "unknown service '$1' (expected one of: ${SERVICES[*]})" ;;
  esac
}

service_jar() { echo "$ROOT/$1-service/target/quarkus-app/quarkus-run.jar"; }

# Replica 1 of a service is named after it (planner: pid file, log, marker), replica i >= 2 NAME-i (planner-2).
instance_name() { if (( $2 == 1 )); then echo "$1"; else echo "$1-$2"; fi; }

# instance_parse NAME: "SERVICE INDEX" for planner, planner-service, planner-2 or planner-service-2.
instance_parse() {
  local name="$1" index=1
  if [[ "$name" =~ ^(.+)-([0-9]+)$ ]]; then name="${BASH_REMATCH[1]}"; index="$(( 10#${BASH_REMATCH[2]} ))"; fi
  name="${name%-service}"
  case "$name" in planner|executor|verifier|notifier|incident) ;; *) return 1 ;; esac
  (( index >= 1 && index <= MAX_REPLICAS )) || return 1
  echo "$name $index"
}

# instance_port SERVICE INDEX: replica 1 on the service's own port, replica i 10*(i-1) above it.
instance_port() { echo $(( $(service_port "$1") + REPLICA_PORT_STEP * ($2 - 1) )); }

# check_replicas N: a whole number from 1 to MAX_REPLICAS, or die naming where it came from.
check_replicas() {
  if [[ "$1" =~ ^[0-9]+$ ]] && (( 10#$1 >= 1 && 10#$1 <= MAX_REPLICAS )); then return 0; fi
  die "$2 must be a whole number from 1 to $MAX_REPLICAS, got '$1'"
}

# The replica count asked for: --replicas, else STRIDE_REPLICAS, else 1.
wanted_replicas() {
  local n="${REPLICAS:-1}"
  check_replicas "$n" "${REPLICAS_FROM:-STRIDE_REPLICAS}"
  echo $(( 10#$n ))
}

# How many replicas of each service may be running: the count up or demo last started, or more if pid files say so
# (so status, logs and down also find replicas a larger earlier run left).
known_replicas() {
  local n=1 f i
  if [[ -f "$REPLICAS_FILE" ]]; then
    f="$(tr -dc '0-9' <"$REPLICAS_FILE")"
    [[ -n "$f" ]] && (( 10#$f >= 1 && 10#$f <= MAX_REPLICAS )) && n=$(( 10#$f ))
  fi
  for f in "$PIDS"/*.pid; do
    [[ -f "$f" ]] || continue
    f="${f##*/}"; f="${f%.pid}"
    if [[ "$f" =~ ^(planner|executor|verifier|notifier|incident)-([0-9]+)$ ]]; then
      i=$(( 10#${BASH_REMATCH[2]} ))
      (( i > n && i <= MAX_REPLICAS )) && n=$i
    fi
  done
  echo "$n"
}

# parse_replicas_option ARGS...: --replicas N (the only option up and demo take).
parse_replicas_option() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --replicas) [[ $# -ge 2 ]] || die "--replicas needs a number (1-$MAX_REPLICAS)"
        REPLICAS="$2"; REPLICAS_FROM="--replicas"; shift 2 ;;
      --replicas=*) REPLICAS="${1#--replicas=}"; REPLICAS_FROM="--replicas"; shift ;;
      *) die "unknown option '$1' (expected --replicas N)" ;;
    esac
  done
}

ensure_state_dirs() { mkdir -p "$PIDS" "$LOGS" "$KAFKA_DIR"; }

# Serialise commands that change state, so two concurrent runs cannot race.
# Every long-lived process started below gets fd 9 closed (9>&-), otherwise it
# would inherit the lock and hold it for as long as it runs.
take_lock() {
  ensure_state_dirs
  exec 9>"$STATE/.lock"
  flock -n 9 || die "another 'deploy/stride' command is running on $STATE (lock $STATE/.lock)"
}

# port_open HOST PORT: true if something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# http_status URL: prints the HTTP status code, or 000 if there is no answer.
http_status() {
  local code
  if command -v curl >/dev/null 2>&1; then
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null)" || true
    echo "${code:-000}"
  else
    # Fallback without curl: plain HTTP/1.0 over bash /dev/tcp (localhost only).
    local rest="${1#http://}" hostport path host port line
    hostport="${rest%%/*}"; path="/${rest#*/}"
    host="${hostport%%:*}"; port="${hostport##*:}"
    # shellcheck disable=SC2016 # the inner script expands its own positional parameters
    line="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" "$1" >&3
      head -n 1 <&3' _ "$host" "$port" "$path" 2>/dev/null)" || true
    code="$(awk '{print $2}' <<<"$line")"
    echo "${code:-000}"
  fi
}

# Every process stride starts carries STRIDE_MANAGED=<state dir> in its
# environment; together with a marker in its command line (a service replica's
# -Dstride.instance=<name>, or this state dir's Kafka server.properties) this tells
# our processes apart from anything else, including a pid the kernel has reused.
MANAGED="STRIDE_MANAGED=$STATE"

# pid_ours PID MARKER: the pid runs, one argument of its command line is MARKER and it
# was started by stride for this state dir.
pid_ours() {
  local pid="$1" marker="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  # A whole argument, so the marker of planner-1 is not found in planner-10's.
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$marker" || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF -- "$MANAGED"
}

# read_pid NAME MARKER: prints the pid of our process NAME. Uses pids/NAME.pid;
# if that is missing or stale, looks for the process in /proc (and rewrites the
# pid file). Removes a stale pid file.
read_pid() {
  local file="$PIDS/$1.pid" pid="" f
  [[ -f "$file" ]] && pid="$(tr -dc '0-9' <"$file")"
  if [[ -n "$pid" ]] && pid_ours "$pid" "$2"; then
    echo "$pid"
    return 0
  fi
  while IFS= read -r f; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if pid_ours "$pid" "$2"; then
      echo "$pid" >"$file"
      echo "$pid"
      return 0
    fi
  done < <(grep -lsF -- "$2" /proc/[0-9]*/cmdline 2>/dev/null || true)
  rm -f "$file"
  return 1
}

# rotate LOGFILE: keep one previous log as LOGFILE.1
rotate() { [[ -f "$1" ]] && mv -f "$1" "$1.1"; return 0; }

# stop_pids TIMEOUT NAME:PID...: TERM all, wait up to TIMEOUT s, KILL leftovers.
stop_pids() {
  local timeout="$1"; shift
  local item pid deadline left
  for item in "$@"; do kill -TERM "${item#*:}" 2>/dev/null || true; done
  deadline=$(( $(now) + timeout ))
  while :; do
    left=()
    for item in "$@"; do
      pid="${item#*:}"
      if kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ]]; then
        left+=("$item")
      fi
    done
    [[ ${#left[@]} -eq 0 ]] && return 0
    (( $(now) >= deadline )) && break
    sleep 0.5
  done
  for item in "${left[@]}"; do
    warn "${item%%:*} (pid ${item#*:}) did not stop within ${timeout}s, killing it"
    kill -KILL "${item#*:}" 2>/dev/null || true
  done
  sleep 0.5
}
