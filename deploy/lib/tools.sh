# shellcheck shell=bash
# deploy/lib/tools.sh: what the commands need installed: Java 17+ and Maven, HAProxy and Prometheus (for the tests),
# and the shell linter for deploy/stride test; installed with apt-get when missing and running as root.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# ---------------------------------------------------------------------------
# Tools: java 17+ and maven
# ---------------------------------------------------------------------------
java_major() {
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

find_java17() {
  local cand major
  for cand in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$cand" && -x "$cand" ]] || continue
    major="$(java_major "$cand" 2>/dev/null || true)"
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 17 )); then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

ensure_tools() {
  local need_install=0 j
  if ! j="$(find_java17)"; then need_install=1; fi
  command -v mvn >/dev/null 2>&1 || need_install=1
  if (( need_install )); then
    is_root || die "java 17+ and maven are required (install openjdk-17-jdk-headless and maven, or run as root to have them installed)"
    say "installing openjdk-17-jdk-headless and maven (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- \
      || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven >/dev/null 9>&- \
      || die "apt-get install openjdk-17-jdk-headless maven failed"
    j="$(find_java17)" || die "no java 17+ found even after installing openjdk-17-jdk-headless"
    command -v mvn >/dev/null 2>&1 || die "mvn not found even after installing maven"
  fi
  JAVA="$j"
  # Quarkus 3 needs Maven 3.8.6 or later (Debian 12 ships 3.8.7; Ubuntu 22.04's 3.6.3 is too old).
  local mv
  mv="$(mvn -B -v 2>/dev/null | sed -n 's/^.*Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -n 1)"
  if [[ -n "$mv" ]] && [[ "$(printf '%s\n3.8.6\n' "$mv" | sort -V | head -n 1)" != "3.8.6" ]]; then
    die "Maven $mv is too old: Quarkus needs 3.8.6 or later (install a newer Maven and put it on PATH)"
  fi
  # Make maven use the same JDK if the default java is older than 17.
  if [[ "$(java_major java 2>/dev/null || echo 0)" != "$(java_major "$JAVA")" ]]; then
    export JAVA_HOME="${JAVA%/bin/java}"
    export PATH="$JAVA_HOME/bin:$PATH"
  fi
}

# ---------------------------------------------------------------------------
# HAProxy (the executor's HAProxy driver tests run the real binary)
# ---------------------------------------------------------------------------
haproxy_installed() { command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]]; }

# The tests start their own HAProxy with a temp config; the package's own service (which Debian
# may start on install, with /etc/haproxy/haproxy.cfg) is neither used nor touched.
haproxy_ensure() {
  haproxy_installed && return 0
  is_root || die "HAProxy is not installed; the executor's tests need it (apt-get install haproxy, or run as root)"
  say "HAProxy not installed, installing it (apt-get install haproxy)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null 9>&- \
    || die "apt-get install haproxy failed"
  [[ -x /usr/sbin/haproxy ]] || die "/usr/sbin/haproxy not found even after installing haproxy"
}

prometheus_installed() { [[ -x /usr/bin/prometheus ]]; }

# The verifier's tests start their own Prometheus (test-support PrometheusUnderTest); installing the package does not
# start one (no init system here; elsewhere the package's service is left as the distribution sets it).
prometheus_ensure() {
  prometheus_installed && return 0
  is_root || die "Prometheus is not installed; the verifier's tests need it (apt-get install prometheus, or run as root)"
  say "Prometheus not installed, installing it (apt-get install prometheus)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null 9>&- \
    || die "apt-get install prometheus failed"
  [[ -x /usr/bin/prometheus ]] || die "/usr/bin/prometheus not found even after installing prometheus"
}

# ---------------------------------------------------------------------------
# The shell linter: deploy/stride test checks deploy/ with it before the tests
# ---------------------------------------------------------------------------
shellcheck_ensure() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  is_root || die "shellcheck is not installed; deploy/stride test checks deploy/ with it (apt-get install shellcheck, or run as root)"
  say "shellcheck not installed, installing it (apt-get install shellcheck)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 9>&- || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck >/dev/null 9>&- \
    || die "apt-get install shellcheck failed"
  command -v shellcheck >/dev/null 2>&1 || die "shellcheck not found even after installing shellcheck"
}

# Lints deploy/stride and its parts (deploy/lib/*.sh, with deploy/lib/.shellcheckrc): every finding fails the run.
# From the checkout's root, so the `source=deploy/lib/...` directives above each `source` resolve.
shellcheck_deploy() {
  local scripts=(deploy/stride deploy/lib/*.sh)
  if ! (cd "$ROOT" && shellcheck -x "${scripts[@]}"); then
    die "shellcheck found problems in deploy/ (shellcheck -x ${scripts[*]})"
  fi
  say "shellcheck: deploy/ is clean (${#scripts[@]} scripts)"
}
