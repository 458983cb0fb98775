#!/usr/bin/env bash
# Starts and stops throwaway MariaDB servers on loopback for tests, benchmarks and the demo.
#   mariadb-server.sh start NAME PORT [mariadbd options...]   fresh data directory, binlog on, ROW format
#   mariadb-server.sh resume NAME PORT [mariadbd options...]  start a stopped server again on its existing data
#   mariadb-server.sh stop NAME                               stops only the server this script started
#   mariadb-server.sh kill NAME                               kills it at once (SIGKILL), as a crash would
#   mariadb-server.sh stop-all                                stops every server under $TM_SERVERS_DIR
#   mariadb-server.sh sql NAME [SQL]                          runs SQL (or stdin) as root over the server's socket
# Servers live under $TM_SERVERS_DIR (default /tmp/tablemirror-servers)/NAME: data/ (binlogs NAME-bin.*
# included), mariadbd.sock, mariadbd.pid, error.log, stdout.log, install.log. A user 'tm' with password
# $TM_TEST_PASSWORD (default tm-test-pw) may do anything, over TCP from 127.0.0.1 and over the socket.
# Options after PORT go to mariadbd verbatim and, coming last, override the defaults below.
set -euo pipefail

# mariadbd lives in /usr/sbin on Debian, which a non-login PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac

servers_dir=${TM_SERVERS_DIR:-/tmp/tablemirror-servers}
# mariadbd resolves relative paths against its own cwd: pin the directory down.
[[ "$servers_dir" == /* ]] || servers_dir="$PWD/$servers_dir"
while [[ "$servers_dir" == ?*/ ]]; do servers_dir=${servers_dir%/}; done
password=${TM_TEST_PASSWORD:-tm-test-pw}

die() { echo "mariadb-server.sh: $*" >&2; exit 1; }

need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 \
            || die "$tool not found; install mariadb-server and mariadb-client (scripts/lib/deps.sh: tm_ensure_build_deps)"
    done
}

# NAME becomes a directory that start wipes: keep it to one plain path component.
check_name() {
    [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "bad server name '$1' (use letters, digits, _ . -)"
}

server_dir() { echo "$servers_dir/$1"; }

# True when PID is a mariadbd running on DIR's data directory, so a stale pid file whose number the
# kernel has since handed to another process never gets that process killed.
is_our_server() {
    local pid=$1 dir=$2 cmdline
    kill -0 "$pid" 2>/dev/null || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ "$cmdline" == *mariadbd* && "$cmdline" == *"--datadir=$dir/data "* ]]
}

# stop_server NAME [SIGNAL]: TERM (a clean shutdown) unless told KILL (a crash).
stop_server() {
    local name=$1 signal=${2:-TERM} dir pid
    dir=$(server_dir "$name")
    [ -f "$dir/mariadbd.pid" ] || return 0
    pid=$(tr -dc '0-9' <"$dir/mariadbd.pid" 2>/dev/null || true)
    if [ -z "$pid" ] || ! is_our_server "$pid" "$dir"; then
        rm -f "$dir/mariadbd.pid"
        return 0
    fi
    kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$dir/mariadbd.pid"
            echo "stopped $name (pid $pid)"
            return 0
        fi
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/mariadbd.pid"
    echo "killed $name (pid $pid did not stop within 30 s)"
}

# SQL string literal body: backslashes and quotes escaped.
sql_quote() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\'\'}"; }

fail_start() {
    local dir=$1; shift
    {
        echo "---- $dir/error.log (tail) ----"
        tail -n 30 "$dir/error.log" 2>/dev/null || echo "(no error log)"
        if [ -s "$dir/stdout.log" ]; then
            echo "---- $dir/stdout.log (tail) ----"
            tail -n 10 "$dir/stdout.log"
        fi
    } >&2
    die "$*"
}

start_server() {
    local fresh=$1 name=$2 port=$3
    shift 3
    check_name "$name"
    [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad port '$port'"
    need mariadb-install-db mariadbd mariadb-admin mariadb setsid
    local dir
    dir=$(server_dir "$name")
    stop_server "$name"
    # Something else on the port would make mariadbd fail to bind; say so plainly.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port on 127.0.0.1 is already in use by another process (not server '$name' under $servers_dir)"
    fi
    if [ "$fresh" = fresh ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # As root, --user=root keeps the files owned by root (the server below runs as root too);
    # 'normal' gives root@localhost an empty password instead of unix_socket-only login.
    mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
        || { tail -n 20 "$dir/install.log" >&2; die "mariadb-install-db failed for $name (log: $dir/install.log)"; }
    else
        [ -d "$dir/data" ] || die "server '$name' has no data directory to resume ($dir/data)"
    fi
    setsid mariadbd --no-defaults --user=root --datadir="$dir/data" \
        --bind-address=127.0.0.1 --port="$port" --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" \
        --log-bin="$name-bin" --binlog-format=ROW --server-id="$port" --log-slave-updates \
        --binlog-checksum=CRC32 --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
        --max-allowed-packet=1G --skip-name-resolve --log-error="$dir/error.log" \
        "$@" >"$dir/stdout.log" 2>&1 </dev/null &
    local pid=$!
    local ready=0
    for _ in $(seq 1 600); do
        if ! kill -0 "$pid" 2>/dev/null; then
            local status=0
            wait "$pid" 2>/dev/null || status=$?
            fail_start "$dir" "mariadbd for $name exited during startup (status $status)"
        fi
        if mariadb-admin --no-defaults --connect-timeout=2 --socket="$dir/mariadbd.sock" -uroot ping >/dev/null 2>&1; then
            ready=1
            break
        fi
        sleep 0.1
    done
    if [ "$ready" -ne 1 ]; then
        kill -KILL "$pid" 2>/dev/null || true
        fail_start "$dir" "$name did not answer on $dir/mariadbd.sock within 60 s (killed pid $pid)"
    fi
    local pw
    pw=$(sql_quote "$password")
    [ "$fresh" = fresh ] && { mariadb --no-defaults --socket="$dir/mariadbd.sock" -uroot <<SQL || fail_start "$dir" "could not create user tm on $name"; }
CREATE USER 'tm'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'tm'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'tm'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'tm'@'localhost' WITH GRANT OPTION;
SQL
    MYSQL_PWD=$password mariadb --no-defaults --protocol=TCP -h127.0.0.1 -P"$port" -utm -e 'SELECT 1' >/dev/null \
        || fail_start "$dir" "$name is up but user tm cannot log in over TCP on 127.0.0.1:$port"
    echo "started $name on 127.0.0.1:$port (pid $pid)"
}

command=${1:-}
case "$command" in
    start)
        [ $# -ge 3 ] || die "usage: start NAME PORT [mariadbd options...]"
        shift
        start_server fresh "$@"
        ;;
    resume)
        # Starts a stopped server again on its existing data (a restart after an outage, say).
        [ $# -ge 3 ] || die "usage: resume NAME PORT [mariadbd options...]"
        shift
        start_server existing "$@"
        ;;
    stop)
        [ $# -eq 2 ] || die "usage: stop NAME"
        check_name "$2"
        stop_server "$2"
        ;;
    kill)
        [ $# -eq 2 ] || die "usage: kill NAME"
        check_name "$2"
        stop_server "$2" KILL
        ;;
    stop-all)
        [ $# -eq 1 ] || die "usage: stop-all"
        shopt -s nullglob
        for dir in "$servers_dir"/*/; do
            stop_server "$(basename "$dir")"
        done
        ;;
    sql)
        [ $# -ge 2 ] && [ $# -le 3 ] || die "usage: sql NAME [SQL]"
        check_name "$2"
        need mariadb
        socket="$(server_dir "$2")/mariadbd.sock"
        [ -S "$socket" ] || die "server '$2' is not running (no socket at $socket)"
        if [ $# -eq 3 ]; then
            exec mariadb --no-defaults --socket="$socket" -uroot --default-character-set=utf8mb4 -e "$3"
        else
            exec mariadb --no-defaults --socket="$socket" -uroot --default-character-set=utf8mb4
        fi
        ;;
    *)
        die "usage: start NAME PORT [mariadbd options...] | stop NAME | stop-all | sql NAME [SQL]"
        ;;
esac
