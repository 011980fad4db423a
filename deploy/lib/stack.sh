# shellcheck shell=bash
# deploy/lib/stack.sh: the commands that run the local stack: infra, build, up, down, status, logs.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

cmd_infra() {
  local action="${1:-}" what="${2:-all}"
  case "$what" in all|postgres|kafka) ;; *) die "infra: unknown component '$what' (postgres or kafka)" ;; esac
  case "$action" in
    up)
      take_lock
      [[ "$what" == kafka ]] || pg_up
      if [[ "$what" != postgres ]]; then kafka_up; kafka_ensure_topics; fi
      ;;
    down)
      take_lock
      [[ "$what" == postgres ]] || kafka_down
      [[ "$what" == kafka ]] || pg_down
      ;;
    status)
      pg_status
      kafka_status
      ;;
    *) die "usage: deploy/stride infra up|down|status [postgres|kafka]" ;;
  esac
}

cmd_build() {
  take_lock
  build
}

cmd_up() {
  parse_replicas_option "$@"
  local n
  n="$(wanted_replicas)"
  take_lock
  ensure_tools
  pg_up
  kafka_up
  kafka_ensure_topics
  if needs_build; then
    build
  else
    say "service jars are up to date, not building"
  fi
  # The signing key is made by a built service's token tool (deploy/lib/tokens.sh), so after the build.
  jwt_keys
  services_scale_down "$n"
  echo "$n" >"$REPLICAS_FILE"
  services_start "$n"
  wait_services_ready
  print_urls
}

cmd_down() {
  take_lock
  demo_down
  services_down
  kafka_down
  pg_down
}

cmd_status() {
  pg_status
  kafka_status
  local inst
  while IFS= read -r inst; do service_status "$inst"; done < <(instances "$(known_replicas)")
  demo_status
}

cmd_logs() {
  local what="${1:-}" file
  [[ -n "$what" ]] || die "usage: deploy/stride logs <planner|executor|verifier|notifier|incident|kafka|postgres> (replica N of a service: planner-N)"
  case "$what" in
    kafka) file="$LOGS/kafka.log" ;;
    postgres)
      local info
      info="$(pg_cluster)" || die "no local PostgreSQL cluster on port $PG_PORT"
      file="$(awk '{print $5}' <<<"$info")"
      ;;
    *)
      local parsed svc index
      parsed="$(instance_parse "$what")" \
        || die "logs: unknown name '$what' (planner, executor, verifier, notifier, incident, kafka or postgres; replica N of a service: planner-N, N up to $MAX_REPLICAS)"
      read -r svc index <<<"$parsed"
      file="$LOGS/$(instance_name "$svc" "$index").log"
      ;;
  esac
  [[ -f "$file" ]] || die "no log yet at $file"
  exec tail -n 200 -f "$file"
}
