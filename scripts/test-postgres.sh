#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite.
#
#   URL=$(scripts/test-postgres.sh start)    # prints the connection URL
#   RESO_TEST_POSTGRES_URL=$URL cargo test --workspace
#   scripts/test-postgres.sh stop             # stops it and deletes its files
#
# The cluster lives in $RESO_TEST_POSTGRES_DIR (default /tmp/reso-test-postgres),
# listens on a free port on 127.0.0.1 only, trusts every local connection and
# runs without fsync: it is for tests, never for data you want to keep.
# As root, the server runs as the `postgres` user, because initdb refuses root.
# `url` prints the URL of a running cluster again.
set -euo pipefail

STATE_DIR=${RESO_TEST_POSTGRES_DIR:-/tmp/reso-test-postgres}
DATA_DIR=$STATE_DIR/data
SOCKET_DIR=$STATE_DIR/socket
LOG_FILE=$STATE_DIR/postgres.log
PORT_FILE=$STATE_DIR/port

die() {
    echo "test-postgres: $*" >&2
    exit 1
}

# Directory holding initdb and pg_ctl: PATH first, then Debian's layout.
find_bindir() {
    local candidate
    if candidate=$(command -v initdb) && command -v pg_ctl >/dev/null; then
        dirname "$candidate"
        return
    fi
    for candidate in /usr/lib/postgresql/*/bin; do
        if [[ -x $candidate/initdb && -x $candidate/pg_ctl ]]; then
            echo "$candidate"
            return
        fi
    done
    die "initdb/pg_ctl not found; install PostgreSQL (apt-get install postgresql)"
}

# Runs a server binary as the user that owns the cluster.
as_owner() {
    if [[ $(id -u) == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means nobody listens there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

url() {
    echo "postgres://postgres@127.0.0.1:$(cat "$PORT_FILE")/postgres"
}

is_running() {
    [[ -f $PORT_FILE ]] && as_owner "$BINDIR/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

start() {
    if is_running; then
        url
        return
    fi
    rm -rf "$STATE_DIR"
    mkdir -p "$SOCKET_DIR"
    if [[ $(id -u) == 0 ]]; then
        chown -R postgres: "$STATE_DIR"
    fi

    as_owner "$BINDIR/initdb" -D "$DATA_DIR" -A trust -U postgres -E UTF8 --no-locale \
        >"$STATE_DIR/initdb.log" 2>&1 ||
        { cat "$STATE_DIR/initdb.log" >&2; die "initdb failed"; }

    # Another process may grab the port between choosing and binding it,
    # so try a few.
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$BINDIR/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
            -o "-p $port -k $SOCKET_DIR -c listen_addresses=127.0.0.1 \
                -c max_connections=200 -c fsync=off -c synchronous_commit=off \
                -c full_page_writes=off" >/dev/null; then
            echo "$port" >"$PORT_FILE"
            url
            return
        fi
        echo "test-postgres: start on port $port failed (attempt $attempt)" >&2
    done
    cat "$LOG_FILE" >&2 || true
    die "could not start PostgreSQL; log above"
}

stop() {
    if [[ -d $DATA_DIR ]]; then
        as_owner "$BINDIR/pg_ctl" stop -D "$DATA_DIR" -m immediate -w >/dev/null 2>&1 || true
    fi
    rm -rf "$STATE_DIR"
}

BINDIR=$(find_bindir)
case ${1:-} in
start) start ;;
stop) stop ;;
url) is_running || die "not running"; url ;;
*)
    echo "usage: $0 start|stop|url  (state in \$RESO_TEST_POSTGRES_DIR, default /tmp/reso-test-postgres)" >&2
    exit 2
    ;;
esac
