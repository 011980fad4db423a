#!/usr/bin/env bash
# Benchmark (not a timed test): 1,000 concurrent analyses at a 10 s interval against a local Prometheus.
# Prints measurement lag p50/p99/max and CPU. Needs what `deploy/stride test` needs (PostgreSQL, /usr/bin/prometheus).
#   verifier-service/bench/analyses.sh [analyses] [hold] [black-holed]
# black-holed: that many more analyses, started first, whose Prometheus is a loopback black hole (accepts, never
# answers); the figures are the healthy analyses'.
set -euo pipefail
cd "$(dirname "$0")/../.."
ANALYSES="${1:-1000}"
HOLD="${2:-60s}"
BLACK_HOLED="${3:-0}"
mvn -B -q test -pl events,service-kit,test-support,verifier-service \
  -Dgroups=benchmark -Dstride.test.excluded-groups= \
  -Dtest=AnalysisLoadBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dstride.bench.analyses="$ANALYSES" -Dstride.bench.hold="$HOLD" \
  -DargLine="-Dstride.bench.analyses=$ANALYSES -Dstride.bench.hold=$HOLD -Dstride.bench.black-holed=$BLACK_HOLED" >/tmp/verifier-bench.log 2>&1 \
  || { tail -n 60 /tmp/verifier-bench.log >&2; echo "benchmark failed (log: /tmp/verifier-bench.log)" >&2; exit 1; }
cat verifier-service/target/analysis-benchmark.txt
