#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests that need one (ctest's fixture "postgres": started
# before them, stopped after them even when they fail). Debian's postgresql (initdb, pg_ctl) in DIR,
# listening on 127.0.0.1 at a free port, trusting local connections; as root, it runs as the
# unprivileged user postgres (initdb and postgres refuse root). Writes DIR/url, the libpq URI the
# tests connect with.
#
# Usage: postgres_cluster.sh start DIR | stop DIR
set -euo pipefail
action=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bin/initdb ]] || { echo "postgres_cluster.sh: PostgreSQL's initdb is not installed (Debian's postgresql)" >&2; exit 1; }
as_owner=()
[[ $(id -u) -eq 0 ]] && as_owner=(runuser -u postgres --)

stop() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case $action in
  start)
    stop  # What a killed run left behind.
    mkdir -p "$dir"
    [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U lcp -A trust --no-sync -E UTF8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ||
      { cat "$dir/data/server.log" >&2; exit 1; }
    echo "postgresql://lcp@127.0.0.1:$port/postgres" >"$dir/url"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{ print $3 }') for the tests at $(cat "$dir/url")"
    ;;
  stop) stop ;;
  *) echo "usage: postgres_cluster.sh start DIR | stop DIR" >&2; exit 2 ;;
esac
