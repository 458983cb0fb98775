#!/usr/bin/env bash
# Runs every test: installs what is missing, starts a throwaway MariaDB source on loopback, runs
# `swift test` against it, and stops it. Extra arguments go to `swift test` (for example --filter Decode).
# Environment: TM_TEST_SOURCE_PORT (default 23061), TM_TEST_PASSWORD (default tm-test-pw),
# TM_SERVERS_DIR (default /tmp/tablemirror-test-servers). Both servers serve TLS with certificates made for the
# run (scripts/lib/test-certs.sh) in $TM_SERVERS_DIR/tls, exported as TM_TEST_TLS_DIR: the source's names
# 127.0.0.1, the target's names only other-host.invalid (so verify_identity refuses it and verify_ca accepts it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)
elapsed() { echo "test.sh: $1 after $(( $(date +%s) - started )) s"; }

# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh
# shellcheck source=lib/test-certs.sh
source scripts/lib/test-certs.sh
tm_ensure_build_deps
tm_ensure_packages openssl
# The console's browser test drives Debian's chromium from Python's standard library (scripts/lib/browser.py).
# Optional: without them the browser test says it is skipped, the rest runs.
tm_ensure_packages chromium python3 || echo "test.sh: chromium/python3 could not be installed: the console's browser test is skipped" >&2
# promtool (in Debian's prometheus package, about 15 s to install) checks conf/monitoring's rules; the test
# that runs it is skipped where it is missing. (The machines here have a policy-rc.d that keeps the package's
# service from starting; only promtool is used.)
tm_ensure_packages prometheus || echo "test.sh: prometheus could not be installed: promtool's checks are skipped" >&2
command -v swift >/dev/null 2>&1 || { echo "test.sh: swift is not on PATH" >&2; exit 1; }

# The binlog fixtures are the project's shared folder, checked out beside the repository (../shared). A clone
# without them runs every other test; the fixture suites report themselves skipped.
fixtures=${TM_TEST_FIXTURES:-$root/../shared/fixtures}
if [ -d "$fixtures/binlogs" ]; then
    TM_TEST_FIXTURES=$(cd "$fixtures" && pwd)
else
    echo "test.sh: no binlog fixtures at $fixtures: the suites that decode them are skipped. They come from the" \
        "project's shared folder, checked out beside the repository as ../shared (or set TM_TEST_FIXTURES)." >&2
    TM_TEST_FIXTURES=$fixtures
fi
export TM_TEST_FIXTURES

export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-test-servers}
export TM_TEST_SOURCE_HOST=127.0.0.1
export TM_TEST_SOURCE_PORT=${TM_TEST_SOURCE_PORT:-23061}
# A second server, for targets on another server than the source. Suites that need a server of their own (an
# outage, a setting) start it on the ports after these three.
export TM_TEST_TARGET_PORT=${TM_TEST_TARGET_PORT:-23062}
# A third, small server without TLS: `preferred` must reach it in clear, `required` must refuse it.
export TM_TEST_PLAIN_PORT=${TM_TEST_PLAIN_PORT:-$((TM_TEST_SOURCE_PORT + 2))}
export TM_TEST_USER=tm
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-test-pw}
export TM_TEST_SOURCE_SOCKET="$TM_SERVERS_DIR/tm-test-source/mariadbd.sock"

# Two runs sharing TM_SERVERS_DIR would restart each other's server; refuse rather than interfere.
mkdir -p "$TM_SERVERS_DIR"
exec 9>"$TM_SERVERS_DIR/tm-test-source.lock"
flock -n 9 || {
    echo "test.sh: another test run is using $TM_SERVERS_DIR/tm-test-source; wait for it, or set" \
        "TM_SERVERS_DIR and TM_TEST_SOURCE_PORT to run alongside it" >&2
    exit 1
}

server_started=0
child=0
cleanup() {
    if [ "$child" -ne 0 ]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [ "$server_started" -eq 1 ]; then
        # The three servers, and any a suite started for itself and could not stop (a crashed test).
        bash scripts/mariadb-server.sh stop-all 9>&- || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Bash runs a trap only once a foreground command ends; a waited-on child lets INT/TERM act at once.
run() {
    "$@" <&0 9>&- &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=0
    return "$rc"
}

# Starting wipes and stops whatever an earlier run left under the same name. The server must not
# inherit the lock descriptor, or a leaked server would hold the lock.
export TM_TEST_TLS_DIR="$TM_SERVERS_DIR/tls"
tm_make_test_certs "$TM_TEST_TLS_DIR"
tls_options() { echo "--ssl-ca=$TM_TEST_TLS_DIR/ca.pem --ssl-cert=$TM_TEST_TLS_DIR/$1.pem --ssl-key=$TM_TEST_TLS_DIR/$1.key"; }
server_started=1
# shellcheck disable=SC2046 # the TLS options are three words without spaces
bash scripts/mariadb-server.sh start tm-test-source "$TM_TEST_SOURCE_PORT" \
    --binlog-annotate-row-events=ON --log-bin-compress-min-len=10 $(tls_options loopback) 9>&-
# shellcheck disable=SC2046
bash scripts/mariadb-server.sh start tm-test-target "$TM_TEST_TARGET_PORT" $(tls_options other-host) 9>&-
bash scripts/mariadb-server.sh start tm-test-plain "$TM_TEST_PLAIN_PORT" --skip-ssl --innodb-buffer-pool-size=32M \
    --innodb-log-file-size=16M 9>&-
echo "test.sh: TM_TEST_SOURCE_HOST=$TM_TEST_SOURCE_HOST TM_TEST_SOURCE_PORT=$TM_TEST_SOURCE_PORT" \
    "TM_TEST_USER=$TM_TEST_USER TM_TEST_SOURCE_SOCKET=$TM_TEST_SOURCE_SOCKET TM_TEST_FIXTURES=$TM_TEST_FIXTURES" \
    "TM_TEST_TLS_DIR=$TM_TEST_TLS_DIR"

status=0
run swift build --build-tests || status=$?
if [ "$status" -ne 0 ]; then
    elapsed "swift build --build-tests failed with status $status"
    exit "$status"
fi
run swift test "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "---- tail of $TM_SERVERS_DIR/tm-test-source/error.log ----"
    tail -n 20 "$TM_SERVERS_DIR/tm-test-source/error.log" 2>/dev/null || true
fi
elapsed "swift test finished with status $status"
exit "$status"
