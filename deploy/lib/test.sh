# shellcheck shell=bash
# deploy/lib/test.sh: the test suite (deploy/stride test) and the benchmarks (deploy/stride bench).
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# test_infra_up [STEP...]: what the tests and the benchmarks need before Maven runs: the tools, PostgreSQL with
# the tests' role, HAProxy, then each STEP (a function name). The state lock is held while it runs and
# released at the end: the tests may run for a long time and `status` etc. must still work.
test_infra_up() {
  take_lock
  ensure_tools
  pg_up
  if pg_is_local && is_root && command -v runuser >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
    pg_ensure_test_role
  fi
  haproxy_ensure
  local step
  for step in "$@"; do "$step"; done
  exec 9>&-
}

# bench rollback: the executor's rollback latency against a real HAProxy (RollbackLatencyBenchmark), p50/p99.
# bench isolation: 200 deployments at once, with and without a black-holed platform (IsolationBenchmark).
cmd_bench() {
  local what="${1:-rollback}" test report heap=""
  case "$what" in
    rollback)
      test=RollbackLatencyBenchmark; report=rollback-latency.txt
      say "benchmark: ${STRIDE_BENCH_ROLLBACKS:-200} rollbacks against a real HAProxy" ;;
    isolation)
      test=IsolationBenchmark; report=isolation.txt
      say "benchmark: ${STRIDE_BENCH_DEPLOYMENTS:-200} deployments at once on HAProxy and Kubernetes, without and with a black-holed platform" ;;
    migration)
      # The services' heap (STRIDE_SERVICE_JAVA_OPTS): the backup is streamed, so it must fit.
      test=MigrationBenchmark; report=migration.txt; heap="-Xmx256m"
      say "benchmark: backup and migration of a generated ${STRIDE_BENCH_MIGRATION_MB:-1024} MB database" ;;
    *) die "unknown benchmark '$what' (benchmarks: rollback, isolation, migration)" ;;
  esac
  test_infra_up
  cd "$ROOT" || die "cannot enter $ROOT"
  local props="-Dstride.bench.rollbacks=${STRIDE_BENCH_ROLLBACKS:-200} -Dstride.bench.deployments=${STRIDE_BENCH_DEPLOYMENTS:-200} -Dstride.bench.migration-mb=${STRIDE_BENCH_MIGRATION_MB:-1024} $heap"
  # Benchmarks are left out of test runs by their tag (the root pom's stride.test.excluded-groups): include them.
  mvn -B -q -pl executor-service -am test -Dgroups=benchmark -Dstride.test.excluded-groups= \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="$props" >"$LOGS/bench.log" 2>&1 || { tail -n 40 "$LOGS/bench.log" >&2; die "the benchmark failed (log: $LOGS/bench.log)"; }
  cat "$ROOT/executor-service/target/$report"
}

cmd_test() {
  test_infra_up prometheus_ensure shellcheck_ensure shellcheck_deploy
  say "running tests (mvn -B verify $*)"
  (cd "$ROOT" && mvn -B verify "$@") || die "tests failed (mvn -B verify $*)"
  if [[ "${STRIDE_SKIP_E2E:-0}" == 1 || $# -gt 0 ]]; then
    say "end-to-end test skipped (STRIDE_SKIP_E2E=1 or mvn arguments given)"
    return 0
  fi
  "$ROOT/deploy/stride" e2e
}
