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
