# Shared helpers for the scripts that start a PostgreSQL cluster of their own. Sourced, not run.

# Set PG_BIN to the directory holding initdb/pg_ctl, or stop with the package to install.
pg_find_bindir() {
  PG_BIN=""
  for candidate in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" \
                   $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      PG_BIN=$candidate
      return 0
    fi
  done
  cat >&2 <<'MSG'
error: PostgreSQL server programs (initdb, pg_ctl) were not found.
  Install them, then run the command again:
    Debian/Ubuntu:  sudo apt-get install postgresql
    macOS (Homebrew): brew install postgresql@15
  Or point the site at an existing server: export DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DBNAME
MSG
  exit 1
}

# Run a command as the owner of the cluster: as root, the postgres system user.
pg_as_owner() {
  local dir=$1; shift
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Initialise a trust-auth cluster in $1 (owned as $2) unless one is there already.
pg_init() {
  local data=$1 owner_dir=$2
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    pg_as_owner "$owner_dir" "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
}

# Print a free TCP port on 127.0.0.1.
pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Use $DATABASE_URL if set; otherwise start the project-local cluster in .local/postgres
# (created once, data kept between runs, 127.0.0.1 only) and export DATABASE_URL for it.
# Stops the cluster again when the calling script exits, if this call started it.
pg_use_local_cluster() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  pg_find_bindir
  PG_LOCAL_ROOT=$(pwd)/.local
  PG_LOCAL_DATA=$PG_LOCAL_ROOT/postgres
  local pg_port=${LOCAL_PG_PORT:-54329}
  mkdir -p "$PG_LOCAL_ROOT"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PG_LOCAL_ROOT"; then
    # A checkout in a private folder (such as one from mktemp -d) is mode 700: let the
    # postgres user pass through it (search only, no reading) to reach .local/postgres.
    chmod o+x "$(pwd)" "$PG_LOCAL_ROOT"
  fi
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PG_LOCAL_ROOT"; then
    echo "error: running as root, the 'postgres' user must be able to reach $PG_LOCAL_ROOT." >&2
    echo "  Clone the project somewhere outside /root, or set DATABASE_URL to an existing server." >&2
    exit 1
  fi
  # Only the cluster's own folder is handed to the postgres user: the rest of .local (such as
  # `make serve`'s secret key) stays the caller's.
  mkdir -p "$PG_LOCAL_DATA"
  chmod 700 "$PG_LOCAL_DATA"
  pg_init "$PG_LOCAL_DATA" "$PG_LOCAL_DATA"
  if ! pg_as_owner "$PG_LOCAL_DATA" "$PG_BIN/pg_ctl" -D "$PG_LOCAL_DATA" status >/dev/null 2>&1; then
    echo "Starting the local PostgreSQL in .local/postgres (port $pg_port) ..."
    pg_as_owner "$PG_LOCAL_DATA" "$PG_BIN/pg_ctl" -D "$PG_LOCAL_DATA" -w -t 30 \
      -l "$PG_LOCAL_DATA/server.log" \
      -o "-p $pg_port -k $PG_LOCAL_DATA -c listen_addresses=127.0.0.1" start >/dev/null \
      || { tail -n 20 "$PG_LOCAL_DATA/server.log" >&2; exit 1; }
    trap 'pg_as_owner "$PG_LOCAL_DATA" "$PG_BIN/pg_ctl" -D "$PG_LOCAL_DATA" -m fast stop >/dev/null 2>&1 || true' EXIT
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
}
