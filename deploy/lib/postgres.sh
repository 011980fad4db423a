# shellcheck shell=bash
# deploy/lib/postgres.sh: the local PostgreSQL cluster (installed, created and started if needed), the stride and
# stride_test roles, the services' databases.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
pg_is_local() {
  case "$PG_HOST" in localhost|127.0.0.1|::1) return 0 ;; *) return 1 ;; esac
}

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

# Prints "VERSION CLUSTER STATUS DATADIR LOGFILE" of the local cluster on PG_PORT.
pg_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p {print $1, $2, $4, $6, $7; found=1; exit} END {exit !found}'
}

# psql as the postgres superuser over the local socket (root only).
pg_super() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -tA "$@")
}

# psql as stride over TCP.
pg_stride() {
  PGPASSWORD=stride PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 \
    -h "$PG_HOST" -p "$PG_PORT" -U stride -d postgres -tA "$@"
}

pg_install() {
  is_root || die "PostgreSQL is not installed; install it (apt-get install postgresql) or run as root"
  say "PostgreSQL not installed, installing it (apt-get install postgresql)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 9>&- \
    || die "apt-get install postgresql failed"
}

pg_up() {
  ensure_state_dirs
  if ! pg_is_local; then
    pg_ready || die "PostgreSQL at $PG_HOST:$PG_PORT does not answer (STRIDE_PG_HOST is remote; start it yourself)"
    say "postgres: using $PG_HOST:$PG_PORT (remote, not managed here)"
    pg_check_stride_login
    pg_ensure_databases
    return 0
  fi

  if ! pg_ready; then
    local installed=0
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
      pg_install
      installed=1
    fi
    local info ver name status
    if ! info="$(pg_cluster)"; then
      is_root || die "no local PostgreSQL cluster on port $PG_PORT (see pg_lsclusters); create one or run as root"
      ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
      [[ -n "$ver" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
      say "postgres: creating cluster $ver/main on port $PG_PORT"
      pg_createcluster -p "$PG_PORT" "$ver" main >/dev/null 9>&- || die "pg_createcluster $ver main failed"
      info="$(pg_cluster)" || die "cluster $ver/main not visible in pg_lsclusters after creating it"
    fi
    read -r ver name status _ <<<"$info"
    if [[ "$status" != online* ]]; then
      is_root || die "PostgreSQL cluster $ver/$name is $status; start it (pg_ctlcluster $ver $name start) or run as root"
      say "postgres: starting cluster $ver/$name"
      pg_ctlcluster "$ver" "$name" start 9>&- || die "pg_ctlcluster $ver $name start failed (see pg_lsclusters and its log)"
      echo "$ver $name" >"$PG_MARKER"
    elif (( installed )); then
      # The package's install script started the cluster, but stride installed it: down stops it too.
      echo "$ver $name" >"$PG_MARKER"
    fi
    local deadline=$(( $(now) + 30 ))
    until pg_ready; do
      (( $(now) < deadline )) || die "PostgreSQL on localhost:$PG_PORT did not become ready within 30s"
      sleep 0.5
    done
  fi

  if is_root && command -v runuser >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
    pg_ensure_role
  fi
  pg_check_stride_login
  pg_ensure_databases
  say "postgres: ready on $PG_HOST:$PG_PORT (role stride, databases ${DATABASES[*]})"
}

# pg_ensure_login_role NAME ATTRIBUTES NOTE: the role NAME exists with LOGIN, exactly ATTRIBUTES (e.g.
# "CREATEDB NOCREATEROLE") and the password NAME; NOTE says what it is for when it is created.
pg_ensure_login_role() {
  local role="$1" attributes="$2" note="$3" exists
  exists="$(pg_super -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" \
    || die "cannot connect to PostgreSQL as postgres on port $PG_PORT"
  if [[ "$exists" == "1" ]]; then
    pg_super -c "ALTER ROLE $role WITH LOGIN $attributes PASSWORD '$role'" >/dev/null \
      || die "ALTER ROLE $role failed"
  else
    say "postgres: creating role $role (LOGIN $attributes, $note)"
    pg_super -c "CREATE ROLE $role WITH LOGIN $attributes PASSWORD '$role'" >/dev/null \
      || die "CREATE ROLE $role failed"
  fi
}

# The services' role.
pg_ensure_role() {
  pg_ensure_login_role stride "CREATEDB NOCREATEROLE" "for the services"
}

# The tests' own role: it makes a database and an owner role with a random password per test run, so it
# needs CREATEROLE, which the services' role must not have.
pg_ensure_test_role() {
  pg_ensure_login_role stride_test "CREATEDB CREATEROLE" "for tests"
}

pg_check_stride_login() {
  command -v psql >/dev/null 2>&1 || { warn "psql not found; cannot check the stride role"; return 0; }
  local createdb
  createdb="$(pg_stride -c "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null)" \
    || die "cannot log in to PostgreSQL at $PG_HOST:$PG_PORT as stride/stride (create the role: CREATE ROLE stride LOGIN CREATEDB PASSWORD 'stride')"
  [[ "$createdb" == "t" ]] || die "role stride lacks CREATEDB (ALTER ROLE stride CREATEDB)"
}

pg_ensure_databases() {
  command -v psql >/dev/null 2>&1 || return 0
  local db exists
  for db in "${DATABASES[@]}"; do
    exists="$(pg_stride -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" \
      || die "cannot query databases as stride on $PG_HOST:$PG_PORT"
    if [[ "$exists" != "1" ]]; then
      say "postgres: creating database $db"
      pg_stride -c "CREATE DATABASE $db OWNER stride" >/dev/null || die "CREATE DATABASE $db failed"
    fi
  done
}

pg_down() {
  if [[ ! -f "$PG_MARKER" ]]; then
    say "postgres: not started by stride, leaving it as it is"
    return 0
  fi
  local ver name
  read -r ver name <"$PG_MARKER"
  if [[ -n "${ver:-}" && -n "${name:-}" ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    say "postgres: stopping cluster $ver/$name (stride started it)"
    if ! pg_ctlcluster "$ver" "$name" stop 2>/dev/null; then
      # Already stopped is fine; anything else is an error.
      local info st
      info="$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" -v n="$name" '$1 == v && $2 == n {print $4}')"
      st="${info:-unknown}"
      [[ "$st" == "down" ]] || die "pg_ctlcluster $ver $name stop failed (status: $st)"
    fi
  fi
  rm -f "$PG_MARKER"
}

pg_status() {
  local state="stopped" pid="-" ready="not ready" note="" info ver name status datadir
  if pg_is_local && info="$(pg_cluster)"; then
    read -r ver name status datadir _ <<<"$info"
    note=" cluster=$ver/$name"
    if [[ "$status" == online* ]]; then
      state="running"
      if [[ -r "$datadir/postmaster.pid" ]]; then pid="$(head -n 1 "$datadir/postmaster.pid")"; fi
    fi
  fi
  if pg_ready; then state="running"; ready="ready"; fi
  [[ -f "$PG_MARKER" ]] && note="$note (started by stride)"
  printf '%-10s %-8s pid=%-8s %-10s %s:%s%s\n' postgres "$state" "$pid" "$ready" "$PG_HOST" "$PG_PORT" "$note"
}
