#!/usr/bin/env bash
# Starts and stops throwaway MariaDB servers on loopback for tests, benchmarks and the demo.
#   mariadb-server.sh start NAME PORT [mariadbd options...]   fresh data directory, binlog on, ROW format
#   mariadb-server.sh stop NAME                               stops only the server this script started
#   mariadb-server.sh stop-all
#   mariadb-server.sh sql NAME [SQL]                          runs SQL as root over the server's socket
# Servers live under $TM_SERVERS_DIR (default /tmp/tablemirror-servers)/NAME. A user 'tm' with password
# $TM_TEST_PASSWORD (default tm-test-pw) may do anything, over TCP from 127.0.0.1.
set -euo pipefail

servers_dir=${TM_SERVERS_DIR:-/tmp/tablemirror-servers}
password=${TM_TEST_PASSWORD:-tm-test-pw}

die() { echo "mariadb-server.sh: $*" >&2; exit 1; }

server_dir() { echo "$servers_dir/$1"; }

stop_server() {
    local dir pid
    dir=$(server_dir "$1")
    [ -f "$dir/mariadbd.pid" ] || return 0
    pid=$(cat "$dir/mariadbd.pid" 2>/dev/null || true)
    rm -f "$dir/mariadbd.pid"
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || { echo "stopped $1"; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    echo "killed $1 (did not stop within 30 s)"
}

start_server() {
    local name=$1 port=$2
    shift 2
    local dir
    dir=$(server_dir "$name")
    stop_server "$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
        || { tail -20 "$dir/install.log" >&2; die "mariadb-install-db failed for $name"; }
    setsid mariadbd --no-defaults --user=root --datadir="$dir/data" \
        --bind-address=127.0.0.1 --port="$port" --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" \
        --log-bin="$name-bin" --binlog-format=ROW --server-id="$port" --log-slave-updates \
        --binlog-checksum=CRC32 --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
        --max-allowed-packet=1G --skip-name-resolve --log-error="$dir/error.log" \
        "$@" >"$dir/stdout.log" 2>&1 < /dev/null &
    for _ in $(seq 1 600); do
        if mariadb-admin --socket="$dir/mariadbd.sock" -uroot ping >/dev/null 2>&1; then
            mariadb --socket="$dir/mariadbd.sock" -uroot <<SQL
CREATE USER 'tm'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'tm'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'tm'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'tm'@'localhost' WITH GRANT OPTION;
SQL
            echo "started $name on 127.0.0.1:$port (pid $(cat "$dir/mariadbd.pid"))"
            return 0
        fi
        sleep 0.1
    done
    tail -30 "$dir/error.log" >&2 || true
    die "$name did not start on port $port within 60 s"
}

command=${1:-}
case "$command" in
    start)
        [ $# -ge 3 ] || die "usage: start NAME PORT [mariadbd options...]"
        shift
        start_server "$@"
        ;;
    stop)
        [ $# -eq 2 ] || die "usage: stop NAME"
        stop_server "$2"
        ;;
    stop-all)
        for dir in "$servers_dir"/*/; do
            [ -d "$dir" ] && stop_server "$(basename "$dir")"
        done
        ;;
    sql)
        [ $# -ge 2 ] || die "usage: sql NAME [SQL]"
        socket="$(server_dir "$2")/mariadbd.sock"
        if [ $# -ge 3 ]; then mariadb --socket="$socket" -uroot --default-character-set=utf8mb4 -e "$3"; else mariadb --socket="$socket" -uroot --default-character-set=utf8mb4; fi
        ;;
    *)
        die "usage: start NAME PORT [options] | stop NAME | stop-all | sql NAME [SQL]"
        ;;
esac
