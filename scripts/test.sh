#!/usr/bin/env bash
# Runs every test: installs what is missing, starts a throwaway MariaDB source on loopback, runs
# `swift test` against it, and stops it. Extra arguments go to `swift test` (for example --filter Decode).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh
tm_ensure_build_deps

started=$(date +%s)
export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-test-servers}
export TM_TEST_SOURCE_HOST=127.0.0.1
export TM_TEST_SOURCE_PORT=${TM_TEST_SOURCE_PORT:-33061}
export TM_TEST_USER=tm
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-test-pw}
export TM_TEST_SOURCE_SOCKET="$TM_SERVERS_DIR/tm-test-source/mariadbd.sock"
fixtures="$root/../shared/fixtures"
[ -d "$fixtures" ] || { echo "test.sh: $fixtures is missing (the shared fixtures must sit beside the repository)" >&2; exit 1; }
export TM_TEST_FIXTURES=$(cd "$fixtures" && pwd)

cleanup() { bash scripts/mariadb-server.sh stop tm-test-source >/dev/null 2>&1 || true; }
trap cleanup EXIT
bash scripts/mariadb-server.sh start tm-test-source "$TM_TEST_SOURCE_PORT" \
    --binlog-annotate-row-events=ON --log-bin-compress-min-len=10

swift build --build-tests
status=0
swift test "$@" || status=$?
echo "test.sh: finished in $(( $(date +%s) - started )) s with status $status"
exit $status
