# Sourced by the shell tests: a throw-away insecure lcp-ledgerd on loopback, in a temporary folder that
# is removed (with the server stopped) when the test exits. Needs $build; sets $work and $address.
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT
"$build/services/lcp-ledgerd" --data-dir "$work/data" --listen 127.0.0.1:0 --ready-file "$work/ready" \
  --insecure 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 300); do
  [[ -s $work/ready ]] && break
  sleep 0.02
done
[[ -s $work/ready ]] || { cat "$work/server.log" >&2; exit 1; }
address=$(cat "$work/ready")
