#!/usr/bin/env bash
# Benchmarks. Usage: scripts/bench.sh BENCHMARK
#   decode   tablemirror's decoder vs python-mysql-replication vs `mariadb-binlog --verbose`, in one run,
#            on the same freshly generated binlog (>= 1.1M row changes over several files). Prints a
#            Markdown section and writes it into BENCHMARKS.md between <!-- decode:begin/end --> markers.
# Knobs (environment): BENCH_INSERT_ROWS (800000), BENCH_UPDATE_ROWS (200000), BENCH_DELETE_ROWS (100000),
#   BENCH_REPEAT (3: runs of each fast measurement, the median is reported), BENCH_PY_MAX_SECONDS (300:
#   python-mysql-replication stops after this long and is reported on the prefix it decoded),
#   BENCH_PORT (33071), BENCH_WRITE (1: update BENCHMARKS.md; 0: print only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh

die() { echo "bench.sh: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }

usage() {
    echo "usage: scripts/bench.sh BENCHMARK" >&2
    echo "benchmarks: decode" >&2
}

export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-servers}
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-test-pw}
export TM_SOURCE_PASSWORD=$TM_TEST_PASSWORD

insert_rows=${BENCH_INSERT_ROWS:-800000}
update_rows=${BENCH_UPDATE_ROWS:-200000}
delete_rows=${BENCH_DELETE_ROWS:-100000}
repeat=${BENCH_REPEAT:-3}
py_max_seconds=${BENCH_PY_MAX_SECONDS:-300}
port=${BENCH_PORT:-33071}
write_results=${BENCH_WRITE:-1}
server=tm-bench
chunk=10000
venv="$root/.venv-bench"
pinned_replication=mysql-replication==1.0.17
tablemirror="$root/.build-release/release/tablemirror"

# ---------------------------------------------------------------------------------------------------
# Shared pieces

ensure_tools() {
    tm_ensure_build_deps
    tm_ensure_packages time python3-venv
    [ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"
}

build_tablemirror() {
    log "building tablemirror (release)"
    swift build -c release --scratch-path .build-release --product tablemirror >&2
    [ -x "$tablemirror" ] || die "$tablemirror was not built"
}

ensure_venv() {
    if [ ! -x "$venv/bin/python" ]; then
        log "creating $venv"
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python" -c 'import pymysqlreplication' 2>/dev/null \
        || [ "$("$venv/bin/pip" show mysql-replication 2>/dev/null | sed -n 's/^Version: //p')" != "${pinned_replication#*==}" ]; then
        log "installing $pinned_replication into $venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "$pinned_replication" >&2
    fi
}

# Runs a command with GNU time, stdout to $2 (a file, or /dev/null), stderr to $1.err, and sets
# run_seconds and run_rss_kb.
timed() {
    local name=$1 out=$2
    shift 2
    if ! /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" >"$out" 2>"$work/$name.err"; then
        tail -20 "$work/$name.err" >&2
        die "$name failed: $*"
    fi
    read -r run_seconds run_rss_kb <"$work/$name.time"
}

# Runs a command $repeat times (see timed) and sets med_seconds (median wall time) and max_rss_kb.
timed_repeat() {
    local name=$1 out=$2
    shift 2
    local i times=() rss=0
    for i in $(seq 1 "$repeat"); do
        timed "$name" "$out" "$@"
        times+=("$run_seconds")
        [ "$run_rss_kb" -gt "$rss" ] && rss=$run_rss_kb
        log "  $name run $i: ${run_seconds} s, $((run_rss_kb / 1024)) MB"
    done
    med_seconds=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    max_rss_kb=$rss
}

# Row changes from tablemirror's summary line on stderr ("decoded N events, M row changes").
summary_rows() {
    sed -n 's/.*decoded [0-9]* events, \([0-9]*\) row changes.*/\1/p' "$1" | tail -1
}

rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? r / s : 0 }'; }
group() { printf "%'d" "$1" 2>/dev/null || printf "%d" "$1"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else printf "–" }'; }

# Replaces the section between <!-- NAME:begin --> and <!-- NAME:end --> in BENCHMARKS.md with the
# file $2 (appends it when the markers are missing; creates BENCHMARKS.md when it is missing).
write_section() {
    local name=$1 body=$2 file="$root/BENCHMARKS.md"
    local begin="<!-- $name:begin -->" end="<!-- $name:end -->"
    if [ ! -f "$file" ]; then
        cat >"$file" <<'EOF'
# Benchmarks

Measured by `scripts/bench.sh BENCHMARK`, which writes its own section here (between its markers) on
every run; edit outside the markers only.
EOF
    fi
    if grep -qF "$begin" "$file" && grep -qF "$end" "$file"; then
        awk -v begin="$begin" -v end="$end" -v body="$body" '
            $0 == begin { print; while ((getline line < body) > 0) print line; skipping = 1; next }
            $0 == end { skipping = 0 }
            !skipping { print }
        ' "$file" >"$file.tmp"
        mv "$file.tmp" "$file"
    else
        { echo; echo "$begin"; cat "$body"; echo "$end"; } >>"$file"
    fi
    log "updated $file ($name section)"
}

# ---------------------------------------------------------------------------------------------------
# decode

generate_decode_dataset() {
    log "starting $server on 127.0.0.1:$port"
    bash scripts/mariadb-server.sh start "$server" "$port" \
        --max-binlog-size=64M --binlog-row-image=FULL --binlog-row-metadata=FULL >&2
    local sql="$work/generate.sql" lo hi
    {
        cat <<'SQL'
CREATE DATABASE bench;
CREATE TABLE bench.orders (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    big BIGINT UNSIGNED NOT NULL,
    amount DECIMAL(12,2) NOT NULL,
    name VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL,
    happened DATETIME(6) NOT NULL,
    stamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ratio DOUBLE NOT NULL,
    state ENUM('new','active','suspended','closed') NOT NULL,
    note TEXT,
    doc JSON,
    day DATE,
    flag TINYINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
SQL
        for ((lo = 1; lo <= insert_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < insert_rows ? lo + chunk - 1 : insert_rows))
            cat <<SQL
INSERT INTO bench.orders (big, amount, name, happened, stamp, ratio, state, note, doc, day, flag)
SELECT 18446744073709551615 - seq * 7919, (seq * 37 % 100000000) / 100 - 250000,
       CONCAT('customer ', seq, ' – Zoë Ångström'),
       TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq * 13 % 1000000) MICROSECOND,
       FROM_UNIXTIME(1700000000 + seq), seq / 7.0 - 1000, ELT(1 + seq % 4, 'new', 'active', 'suspended', 'closed'),
       IF(seq % 10 = 0, NULL, CONCAT('order note ', seq, ': ', REPEAT('lorem ipsum ', 7))),
       JSON_OBJECT('seq', seq, 'tags', JSON_ARRAY('a', 'b', seq % 7), 'paid', seq % 2 = 0),
       IF(seq % 9 = 0, NULL, DATE'2000-01-01' + INTERVAL (seq % 9000) DAY), seq % 128 - 64
FROM seq_${lo}_to_${hi};
SQL
        done
        for ((lo = 1; lo <= update_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < update_rows ? lo + chunk - 1 : update_rows))
            echo "UPDATE bench.orders SET amount = amount + 1, name = CONCAT('updated ', id), ratio = ratio * 2, state = 'active', flag = -flag, stamp = stamp WHERE id BETWEEN $lo AND $hi;"
        done
        for ((lo = insert_rows - delete_rows + 1; lo <= insert_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < insert_rows ? lo + chunk - 1 : insert_rows))
            echo "DELETE FROM bench.orders WHERE id BETWEEN $lo AND $hi;"
        done
    } >"$sql"
    log "generating $insert_rows inserts, $update_rows updates, $delete_rows deletes (chunks of $chunk rows)"
    local started=$SECONDS
    mariadb --socket="$TM_SERVERS_DIR/$server/mariadbd.sock" -uroot <"$sql"
    log "generated in $((SECONDS - started)) s"
}

bench_decode() {
    ensure_tools
    build_tablemirror
    ensure_venv

    trap 'bash scripts/mariadb-server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
    generate_decode_dataset

    local data="$TM_SERVERS_DIR/$server/data"
    local files=()
    mapfile -t files < <(ls "$data/$server"-bin.[0-9]* | sort)
    [ ${#files[@]} -ge 2 ] || die "expected several binlog files, found ${#files[@]}"
    local first_name
    first_name=$(basename "${files[0]}")
    local binlog_bytes first_bytes
    binlog_bytes=$(cat "${files[@]}" | wc -c)
    first_bytes=$(wc -c <"${files[0]}")
    cat "${files[@]}" >/dev/null # into the page cache for every reader alike
    log "binlog: ${#files[@]} files, $((binlog_bytes / 1048576)) MB"

    log "a. tablemirror decode --json FILES"
    timed_repeat tm-files /dev/null "$tablemirror" decode "${files[@]}" --json
    local tm_files_s=$med_seconds tm_files_rss=$max_rss_kb
    local total_rows
    total_rows=$(summary_rows "$work/tm-files.err")
    [ -n "$total_rows" ] || die "no summary from tablemirror decode: $(cat "$work/tm-files.err")"
    local expected=$((insert_rows + update_rows + delete_rows))
    [ "$total_rows" -eq "$expected" ] || log "WARNING: tablemirror counted $total_rows row changes, expected $expected"

    log "b. tablemirror decode --json --host (remote, --stop-at-end)"
    timed_repeat tm-remote /dev/null "$tablemirror" decode --host 127.0.0.1 --port "$port" --user tm --stop-at-end --json
    local tm_remote_s=$med_seconds tm_remote_rss=$max_rss_kb tm_remote_rows
    tm_remote_rows=$(summary_rows "$work/tm-remote.err")
    [ "$tm_remote_rows" = "$total_rows" ] || log "WARNING: remote decode counted $tm_remote_rows row changes, files $total_rows"

    log "c. mariadb-binlog --verbose --base64-output=decode-rows FILES"
    timed_repeat mariadb-binlog /dev/null mariadb-binlog --verbose --base64-output=decode-rows "${files[@]}"
    local mb_s=$med_seconds mb_rss=$max_rss_kb mb_rows
    # Its row count, from a separate run that is not timed.
    mb_rows=$(mariadb-binlog --verbose --base64-output=decode-rows "${files[@]}" \
        | grep -c -E '^### (INSERT INTO|UPDATE|DELETE FROM) ' || true)
    [ "$mb_rows" = "$total_rows" ] || log "WARNING: mariadb-binlog printed $mb_rows row changes, tablemirror $total_rows"

    log "e. tablemirror decode --json on the first file alone (memory flatness)"
    timed_repeat tm-first /dev/null "$tablemirror" decode "${files[0]}" --json
    local tm_first_s=$med_seconds tm_first_rss=$max_rss_kb tm_first_rows
    tm_first_rows=$(summary_rows "$work/tm-first.err")

    log "d. python-mysql-replication (remote, stops after ${py_max_seconds} s)"
    timed py "$work/py.out" "$venv/bin/python" scripts/bench/pymysqlreplication_decode.py \
        --port "$port" --user tm --log-file "$first_name" --max-seconds "$py_max_seconds"
    local py_s=$run_seconds py_rss=$run_rss_kb py_rows py_state
    read -r py_rows _ _ py_state <"$work/py.out"
    if [ "$py_state" = complete ] && [ "$py_rows" != "$total_rows" ]; then
        log "WARNING: python-mysql-replication counted $py_rows row changes, tablemirror $total_rows"
    fi

    # Versions and machine.
    local v_binlog v_server v_py v_pymysql v_python v_swift v_commit cpu cores mem
    v_binlog=$(mariadb-binlog --version | head -1)
    v_server=$(mariadbd --version | head -1)
    v_py=$("$venv/bin/pip" show mysql-replication | sed -n 's/^Version: //p')
    v_pymysql=$("$venv/bin/pip" show PyMySQL | sed -n 's/^Version: //p')
    v_python=$("$venv/bin/python" --version 2>&1)
    v_swift=$(swift --version 2>&1 | grep -m1 -i 'swift version' || swift --version 2>&1 | head -1)
    v_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || v_commit="$v_commit + uncommitted changes"
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    cores=$(nproc)
    mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')

    local tm_rate mb_rate py_rate tm_remote_rate tm_first_rate
    tm_rate=$(rate "$total_rows" "$tm_files_s")
    tm_remote_rate=$(rate "$tm_remote_rows" "$tm_remote_s")
    tm_first_rate=$(rate "$tm_first_rows" "$tm_first_s")
    mb_rate=$(rate "$mb_rows" "$mb_s")
    py_rate=$(rate "$py_rows" "$py_s")

    local py_input="server, remote (non-blocking)"
    [ "$py_state" = complete ] || py_input="server, remote — **prefix only**: stopped after ${py_max_seconds} s, $(group "$py_rows") of $(group "$total_rows") row changes"

    # Verdicts against the goal.
    local v_py_goal v_mb_goal v_mem_goal
    v_py_goal=$(awk -v a="$tm_rate" -v b="$py_rate" 'BEGIN { print (b > 0 && a / b >= 30) ? "met" : "**not met**" }')
    v_mb_goal=$(awk -v a="$tm_rate" -v b="$mb_rate" 'BEGIN { print (a > b) ? "met" : "**not met**" }')
    v_mem_goal=$(awk -v a="$tm_files_rss" -v b="$tm_first_rss" 'BEGIN { print (a <= b * 1.25 + 8192) ? "met" : "**not met**" }')

    local section="$work/decode.md"
    cat >"$section" <<EOF
## Decode

Produced by \`scripts/bench.sh decode\` on $(date -u '+%Y-%m-%d %H:%M UTC'), tablemirror at $v_commit.

| tool | input | row changes | seconds | rows/s | peak RSS MB | tablemirror (files) rows/s ÷ this |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
| tablemirror \`decode --json\` | ${#files[@]} binlog files ($((binlog_bytes / 1048576)) MB) | $(group "$total_rows") | $tm_files_s | $(group "$tm_rate") | $(mb "$tm_files_rss") | 1.0× |
| tablemirror \`decode --json --stop-at-end\` | server, remote | $(group "$tm_remote_rows") | $tm_remote_s | $(group "$tm_remote_rate") | $(mb "$tm_remote_rss") | $(ratio "$tm_rate" "$tm_remote_rate") |
| \`mariadb-binlog --verbose --base64-output=decode-rows\` | the same files | $(group "$mb_rows") | $mb_s | $(group "$mb_rate") | $(mb "$mb_rss") | $(ratio "$tm_rate" "$mb_rate") |
| python-mysql-replication \`BinLogStreamReader\` | $py_input | $(group "$py_rows") | $py_s | $(group "$py_rate") | $(mb "$py_rss") | $(ratio "$tm_rate" "$py_rate") |
| tablemirror \`decode --json\`, first file only | 1 file ($((first_bytes / 1048576)) MB) | $(group "$tm_first_rows") | $tm_first_s | $(group "$tm_first_rate") | $(mb "$tm_first_rss") | $(ratio "$tm_rate" "$tm_first_rate") |

Seconds are wall time (GNU \`time\` \`%e\`), the median of $repeat runs for tablemirror and mariadb-binlog
and a single run for python-mysql-replication; peak RSS is \`%M\` (the largest of the runs). Every tool
writes to \`/dev/null\`; the binlog files are in the page cache. Row changes count an update (before and
after image) once. The remote runs include the server's work of sending the binlog over loopback TCP.

**Dataset.** A fresh MariaDB server (\`--binlog-format=ROW --binlog-row-image=FULL
--binlog-row-metadata=FULL --max-binlog-size=64M --binlog-checksum=CRC32\`), one InnoDB table with
INT auto-increment primary key, BIGINT UNSIGNED, DECIMAL(12,2), VARCHAR(64) utf8mb4 (non-ASCII text),
DATETIME(6), TIMESTAMP, DOUBLE, ENUM, TEXT (~100 bytes, 10 % NULL), JSON, DATE (11 % NULL) and
TINYINT columns: $(group "$insert_rows") inserts (\`INSERT … SELECT … FROM seq_…\`), $(group "$update_rows") updates and
$(group "$delete_rows") deletes, $chunk rows per statement (autocommit) — $(group "$total_rows") row changes in
${#files[@]} binlog files, $((binlog_bytes / 1048576)) MB.

**Machine.** $cores cores, $cpu, $mem memory.

**Versions.** $v_swift (release build); \`$v_binlog\` with \`$v_server\`;
python-mysql-replication (PyPI \`mysql-replication\`) $v_py with PyMySQL $v_pymysql on $v_python.

**Reading.** Goal: at least 30× python-mysql-replication's rows/s — $v_py_goal
($(ratio "$tm_rate" "$py_rate")); faster than \`mariadb-binlog --verbose\` — $v_mb_goal ($(ratio "$tm_rate" "$mb_rate"));
memory flat in the binlog's size — $v_mem_goal (peak RSS $(mb "$tm_first_rss") MB for the first
$((first_bytes / 1048576)) MB file, $(mb "$tm_files_rss") MB for all $((binlog_bytes / 1048576)) MB). tablemirror parses every event
and also formats each row change as a JSON line, while mariadb-binlog prints its own text form of each
row and python-mysql-replication builds Python dicts of every row without printing them.
EOF
    cat "$section"
    if [ "$write_results" = 1 ]; then write_section decode "$section"; fi
}

# ---------------------------------------------------------------------------------------------------

benchmark=${1:-}
case "$benchmark" in
    decode)
        work=$(mktemp -d /tmp/tablemirror-bench.XXXXXX)
        bench_decode
        ;;
    ""|-h|--help)
        usage
        [ -n "$benchmark" ] || exit 2
        ;;
    *)
        echo "bench.sh: unknown benchmark '$benchmark'" >&2
        usage
        exit 2
        ;;
esac
