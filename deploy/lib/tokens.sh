# shellcheck shell=bash
# deploy/lib/tokens.sh: callers of the local stack: its signing key pair and tokens signed with it.
# Sourced by deploy/stride (see its header); defines functions and settings only, runs nothing.

# ---------------------------------------------------------------------------
# Callers: a local signing key, and tokens signed with it
# ---------------------------------------------------------------------------
# Keys and tokens are made by service-kit's dev.stride.kit.security.TokenTool, the same code (smallrye-jwt-build)
# that signs the tests' tokens (test-support TestTokens). It runs on the class path of a built service: every
# service's quarkus-app holds service-kit and smallrye-jwt-build, and 'build' makes them (no jar of its own to build).
JWT_DIR="$STATE/jwt"
TOKEN_TOOL=dev.stride.kit.security.TokenTool
STRIDE_ROLES=(stride-viewer stride-requester stride-approver stride-operator stride-admin)

# token_classpath: the class path of the first built service whose service-kit has the token tool.
token_classpath() {
  local svc app jar
  for svc in "${SERVICES[@]}"; do
    app="$ROOT/$svc-service/target/quarkus-app"
    [[ -f "$app/quarkus-run.jar" ]] || continue
    for jar in "$app"/lib/main/dev.stride.service-kit-*.jar; do
      if [[ -f "$jar" ]] && grep -qaF "${TOKEN_TOOL//.//}.class" "$jar"; then
        echo "$app/lib/boot/*:$app/lib/main/*"
        return 0
      fi
    done
  done
  return 1
}

# token_tool ARGS...: runs the token tool, building the services first if none is built (the build's messages go to
# stderr: `TOKEN=$(deploy/stride token ...)` must capture the token alone). The caller holds the lock.
token_tool() {
  local cp
  if [[ "$JAVA" == java ]] && ! JAVA="$(find_java17)"; then
    JAVA=java
    ensure_tools >&2
  fi
  if ! cp="$(token_classpath)"; then
    build >&2
    cp="$(token_classpath)" || die "no built service holds $TOKEN_TOOL (see 'deploy/stride build')"
  fi
  "$JAVA" -Xmx64m -XX:TieredStopAtLevel=1 -cp "$cp" "$TOKEN_TOOL" "$@" 9>&-
}

# The local stack's key pair: the services trust public.pem; 'token' signs with private.pem (PKCS#8 PEM, the files
# `openssl genpkey` and `openssl pkey -pubout` make, so a key made by an older stride stays valid).
jwt_keys() {
  mkdir -p "$JWT_DIR"
  chmod 700 "$JWT_DIR"
  [[ -s "$JWT_DIR/private.pem" && -s "$JWT_DIR/public.pem" ]] && return 0
  if [[ ! -s "$JWT_DIR/private.pem" ]]; then
    # On stderr: `TOKEN=$(deploy/stride token ...)` must capture the token alone.
    printf 'stride: creating the local signing key (%s)\n' "$JWT_DIR" >&2
  fi
  token_tool keys "$JWT_DIR" >/dev/null || die "could not make the local signing key in $JWT_DIR"
}

# token [--user NAME] [--hours N] ROLE... : an RS256 JWT for the local stack, printed on stdout.
cmd_token() {
  local user="" hours=8 roles=() role
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --user) [[ $# -ge 2 ]] || die "--user needs a name"; user="$2"; shift 2 ;;
      --hours)
        # The services accept tokens that live at most a day (smallrye.jwt.time-to-live).
        if ! [[ $# -ge 2 && "$2" =~ ^[0-9]{1,2}$ ]] || (( 10#$2 < 1 || 10#$2 > 24 )); then
          die "--hours needs a whole number from 1 to 24"
        fi
        hours=$(( 10#$2 )); shift 2 ;;
      *) roles+=("$1"); shift ;;
    esac
  done
  [[ ${#roles[@]} -gt 0 ]] || die "name at least one role: ${STRIDE_ROLES[*]}"
  for role in "${roles[@]}"; do
    [[ " ${STRIDE_ROLES[*]} " == *" $role "* ]] || die "unknown role '$role' (roles: ${STRIDE_ROLES[*]})"
  done
  [[ -n "$user" ]] || user="local-${roles[0]#stride-}"
  [[ "$user" =~ ^[A-Za-z0-9._@-]{1,100}$ ]] || die "--user must be letters, digits, '.', '_', '@' or '-'"
  take_lock
  make_token "$user" "$hours" "${roles[@]}"
}

# make_token USER HOURS ROLE...: a token signed with the local key (the caller holds the lock): issuer
# https://stride.local, audience stride, sub and upn USER, groups ROLEs, iat now, exp HOURS later.
make_token() {
  local user="$1" hours="$2"; shift 2
  jwt_keys
  token_tool token "$JWT_DIR" "$user" "$hours" "$@" || die "could not sign a token with $JWT_DIR/private.pem"
}
