#!/usr/bin/env bash
# Benchmarks. Usage: scripts/bench.sh BENCHMARK
#   decode   tablemirror's decoder vs python-mysql-replication vs `mariadb-binlog --verbose`, in one run,
#            on the same freshly generated binlog (>= 1.1M row changes over several files). Prints a
#            Markdown section and writes it into BENCHMARKS.md between <!-- decode:begin/end --> markers.
# Knobs (environment): BENCH_INSERT_ROWS (800000), BENCH_UPDATE_ROWS (200000), BENCH_DELETE_ROWS (100000),
#   BENCH_REPEAT (5: rounds of the measurements but python's, the medians are reported; fewer once the
#   rounds took BENCH_REPEAT_BUDGET seconds, 90), BENCH_PY_MAX_SECONDS (300:
#   python-mysql-replication stops after this long and is reported on the prefix it decoded),
#   BENCH_PORT (33071), BENCH_BINLOG_SIZE (64M: --max-binlog-size), BENCH_WRITE (1: update BENCHMARKS.md;
#   0: print only), BENCH_KEEP_BINLOG (a directory: copy the generated binlog files there, for profiling),
#   BENCH_REF (a commit, e.g. HEAD: build tablemirror from that commit's snapshot instead of the work tree).
#   apply    tablemirror's catch-up throughput (whole and per phase: bulk inserts, OLTP mix, wide rows,
#            many-row updates, mixed types), steady-state lag and catch-up after an outage under load, against
#            MariaDB's own replication, single-threaded and parallel, on the same backlog, in one run;
#            servers on 127.0.0.1:33081-33084. Writes <!-- apply:begin/end --> in BENCHMARKS.md.
#            Knobs: BENCH_APPLY_INSERT_EVENTS (200000), BENCH_APPLY_WRITE_EVENTS (200000),
#            BENCH_APPLY_TABLE_SIZE (100000), BENCH_APPLY_BULK_STATEMENTS (100), BENCH_APPLY_WIDE_ROWS (20000),
#            BENCH_APPLY_MIXED_BATCHES (50), BENCH_APPLY_LAG_SECONDS (30; 0 skips the lag phase),
#            BENCH_APPLY_LAG_RATE (default: half the source's unthrottled oltp_write_only rate),
#            BENCH_APPLY_OUTAGE_SECONDS (30; 0 skips the outage phase), BENCH_APPLY_BIG_ROWS (200000),
#            BENCH_APPLY_TIMEOUT (900), and BENCH_WRITE, BENCH_REF as above (details: scripts/bench/apply.sh).
#   guards   what the read-only triggers cost per row (none, the earlier user-name test, the exact-account
#            test), on one server on 127.0.0.1:33091 (scripts/bench/guards.sh). Writes <!-- guards:begin/end -->.
#   ha       the fence's cost per transaction (with and without `ha:`) and takeover times after SIGKILL and SIGTERM of
#            the leader; servers on 127.0.0.1:33101-33102 (scripts/bench/ha.sh). Writes <!-- ha:begin/end -->.
#   snapshot what the table-lock snapshot method costs (`source.snapshot: table-lock`): lock hold times per chunk and
#            resync time against MariaDB's snapshot position, under a writer; servers on 127.0.0.1:33111-33112
#            (scripts/bench/snapshot.sh; knobs BENCH_SNAPSHOT_ROWS, BENCH_SNAPSHOT_ROUNDS). Writes <!-- snapshot:begin/end -->.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=lib/deps.sh
source scripts/lib/deps.sh

die() { echo "bench.sh: $*" >&2; exit 1; }
log() { echo "bench.sh: $*" >&2; }

usage() {
    echo "usage: scripts/bench.sh BENCHMARK" >&2
    echo "benchmarks: decode apply guards ha snapshot" >&2
}

export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-servers}
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-test-pw}
export TM_SOURCE_PASSWORD=$TM_TEST_PASSWORD

insert_rows=${BENCH_INSERT_ROWS:-800000}
update_rows=${BENCH_UPDATE_ROWS:-200000}
delete_rows=${BENCH_DELETE_ROWS:-100000}
repeat=${BENCH_REPEAT:-5}
repeat_budget=${BENCH_REPEAT_BUDGET:-90}
py_max_seconds=${BENCH_PY_MAX_SECONDS:-300}
port=${BENCH_PORT:-33071}
binlog_size=${BENCH_BINLOG_SIZE:-64M}
write_results=${BENCH_WRITE:-1}
server=tm-bench
chunk=10000
venv="$root/.venv-bench"
pinned_replication=mysql-replication==1.0.17
tablemirror="" # set by build_tablemirror

# ---------------------------------------------------------------------------------------------------
# Shared pieces

# server_value NAME SQL: SQL run as root over server NAME's socket, tab-separated values without headers.
server_value() { mariadb --no-defaults --socket="$TM_SERVERS_DIR/$1/mariadbd.sock" -uroot -N -B -e "$2"; }

# bench_two_servers CLEANUP SOURCE SOURCE_PORT TARGET TARGET_PORT: the traps (CLEANUP on exit), the tools, the release
# build, and a fresh source and target server.
bench_two_servers() {
    trap "$1" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ensure_tools
    build_tablemirror
    log "starting the source ($3) and the target ($5)"
    bash scripts/mariadb-server.sh start "$2" "$3" --binlog-row-image=FULL >&2
    bash scripts/mariadb-server.sh start "$4" "$5" >&2
}

ensure_tools() {
    tm_ensure_build_deps
    tm_ensure_packages time python3 python3-venv
    [ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing"
}

build_tablemirror() {
    if [ -n "${BENCH_REF:-}" ]; then
        build_snapshot "$BENCH_REF"
        return
    fi
    # The commit the binary is built from, taken before building (the work tree may move on meanwhile).
    built_from=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    if ! git diff --quiet HEAD -- Sources Package.swift 2>/dev/null \
        || [ -n "$(git ls-files --others --exclude-standard -- Sources 2>/dev/null)" ]; then
        built_from="$built_from + uncommitted changes"
    fi
    log "building tablemirror (release) from the work tree at $built_from"
    local attempt
    for attempt in 1 2 3 4 5; do
        if swift build -c release --scratch-path .build-release --product tablemirror >"$work/build.log" 2>&1; then
            tail -1 "$work/build.log" >&2
            tablemirror="$root/.build-release/release/tablemirror"
            [ -x "$tablemirror" ] || die "$tablemirror was not built"
            return
        fi
        # Someone editing the sources meanwhile makes SwiftPM give up; wait and build again.
        grep -q 'was modified during the build' "$work/build.log" || { tail -30 "$work/build.log" >&2; die "swift build failed"; }
        log "sources changed during the build (attempt $attempt); building again in 30 s"
        sleep 30
    done
    tail -30 "$work/build.log" >&2
    die "the sources kept changing during the build; try BENCH_REF=HEAD"
}

# Builds tablemirror from a commit, exported (git archive) under .build-bench/src, so that edits in the
# work tree can neither break nor blur the measurement. Dependencies resolve from the work tree's
# Package.resolved and SwiftPM's local cache.
build_snapshot() {
    local commit snap="$root/.build-bench/src"
    commit=$(git rev-parse --verify "$1^{commit}" 2>/dev/null) || die "BENCH_REF '$1' is not a commit"
    built_from=$(git rev-parse --short "$commit")
    if [ "$(cat "$snap/.bench-commit" 2>/dev/null)" != "$commit" ]; then
        rm -rf "$snap"
        mkdir -p "$snap"
        git archive "$commit" | tar -x -C "$snap"
        if [ -f Package.resolved ] && [ ! -f "$snap/Package.resolved" ]; then cp Package.resolved "$snap/"; fi
        echo "$commit" >"$snap/.bench-commit"
    fi
    log "building tablemirror (release) from commit $built_from (snapshot in $snap)"
    (cd "$snap" && swift build -c release --scratch-path "$root/.build-bench/scratch" --product tablemirror) \
        >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "swift build of $built_from failed"; }
    tail -1 "$work/build.log" >&2
    tablemirror="$root/.build-bench/scratch/release/tablemirror"
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
# run_seconds (wall), run_cpu (user + system seconds of the process) and run_rss_kb.
timed() {
    local name=$1 out=$2
    shift 2
    if ! /usr/bin/time -f '%e %M %U %S' -o "$work/$name.time" "$@" >"$out" 2>"$work/$name.err"; then
        tail -20 "$work/$name.err" >&2
        die "$name failed: $*"
    fi
    local user sys
    read -r run_seconds run_rss_kb user sys <"$work/$name.time"
    run_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# Measurements run in rounds, each round running every tool once in turn, so that whatever else runs
# on the machine meanwhile disturbs them all alike. sample NAME OUT CMD... runs one and records it;
# stats NAME sets runs, med_seconds, med_cpu (medians), range_seconds (fastest–slowest) and max_rss_kb over
# NAME's samples.
declare -A sample_times sample_cpus sample_rss
sample() {
    local name=$1
    timed "$@"
    sample_times[$name]+="$run_seconds "
    sample_cpus[$name]+="$run_cpu "
    [ "$run_rss_kb" -gt "${sample_rss[$name]:-0}" ] && sample_rss[$name]=$run_rss_kb
    log "  $name: ${run_seconds} s (CPU ${run_cpu} s), $((run_rss_kb / 1024)) MB"
}
stats() {
    local name=$1
    # shellcheck disable=SC2086
    set -- ${sample_times[$name]}
    runs=$#
    med_seconds=$(median "$@")
    range_seconds=$(printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f–%.2f", lo, hi }')
    # shellcheck disable=SC2086
    med_cpu=$(median ${sample_cpus[$name]})
    max_rss_kb=${sample_rss[$name]}
}

# Row changes from tablemirror's summary line on stderr ("decoded N events, M row changes").
summary_rows() {
    sed -n 's/.*decoded [0-9]* events, \([0-9]*\) row changes.*/\1/p' "$1" | tail -1
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? r / s : 0 }'; }
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else printf "–" }'; }

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
        --max-binlog-size="$binlog_size" --binlog-row-image=FULL --binlog-row-metadata=FULL >&2
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
USE bench;
SQL
        for ((lo = 1; lo <= insert_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < insert_rows ? lo + chunk - 1 : insert_rows))
            cat <<SQL
INSERT INTO bench.orders (id, big, amount, name, happened, stamp, ratio, state, note, doc, day, flag)
SELECT n, 18446744073709551615 - n * 7919, (n * 37 % 100000000) / 100 - 250000,
       CONCAT('customer ', n, ' – Zoë Ångström'),
       TIMESTAMP'2024-01-01 00:00:00' + INTERVAL n SECOND + INTERVAL (n * 13 % 1000000) MICROSECOND,
       FROM_UNIXTIME(1700000000 + n), n / 7.0 - 1000, ELT(1 + n % 4, 'new', 'active', 'suspended', 'closed'),
       IF(n % 10 = 0, NULL, CONCAT('order note ', n, ': ', REPEAT('lorem ipsum ', 7))),
       JSON_OBJECT('n', n, 'tags', JSON_ARRAY('a', 'b', n % 7), 'paid', n % 2 = 0),
       IF(n % 9 = 0, NULL, DATE'2000-01-01' + INTERVAL (n % 9000) DAY), n % 128 - 64
FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_${lo}_to_${hi}) AS s;
SQL
        done
        for ((lo = 1; lo <= update_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < update_rows ? lo + chunk - 1 : update_rows))
            echo "UPDATE bench.orders SET amount = amount + 1, name = CONCAT('updated ', id), ratio = ratio * 2, state = 'active', flag = -flag WHERE id BETWEEN $lo AND $hi;"
        done
        for ((lo = insert_rows - delete_rows + 1; lo <= insert_rows; lo += chunk)); do
            hi=$((lo + chunk - 1 < insert_rows ? lo + chunk - 1 : insert_rows))
            echo "DELETE FROM bench.orders WHERE id BETWEEN $lo AND $hi;"
        done
    } >"$sql"
    log "generating $insert_rows inserts, $update_rows updates, $delete_rows deletes (chunks of $chunk rows)"
    local started=$SECONDS
    mariadb --no-defaults --socket="$TM_SERVERS_DIR/$server/mariadbd.sock" -uroot --default-character-set=utf8mb4 <"$sql"
    log "generated in $((SECONDS - started)) s"
}

bench_decode() {
    server_started=0
    trap 'if [ "$server_started" = 1 ]; then bash scripts/mariadb-server.sh stop "$server" >/dev/null 2>&1 || true; fi; rm -rf "$work"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ensure_tools
    build_tablemirror
    ensure_venv

    server_started=1
    generate_decode_dataset

    local data="$TM_SERVERS_DIR/$server/data"
    local files=()
    mapfile -t files < <(ls "$data/$server"-bin.[0-9]* | sort)
    [ ${#files[@]} -ge 2 ] || die "expected several binlog files, found ${#files[@]}"
    local first_name
    first_name=$(basename "${files[0]}")
    local binlog_bytes largest_bytes
    binlog_bytes=$(cat "${files[@]}" | wc -c)
    largest_bytes=$(wc -c "${files[@]}" | awk '$2 != "total" && $1 > n { n = $1 } END { print n + 0 }')
    cat "${files[@]}" >/dev/null # into the page cache for every reader alike
    log "binlog: ${#files[@]} files, $((binlog_bytes / 1048576)) MB"
    if [ -n "${BENCH_KEEP_BINLOG:-}" ]; then
        mkdir -p "$BENCH_KEEP_BINLOG"
        cp "${files[@]}" "$BENCH_KEEP_BINLOG/"
        log "copied the binlog files to $BENCH_KEEP_BINLOG"
    fi

    local load_before
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    log "load average before measuring: $load_before"
    local round started=$SECONDS
    for ((round = 1; round <= repeat; round++)); do
        log "round $round of at most $repeat"
        # a. tablemirror on the files; b. remote from the server; c. mariadb-binlog on the files;
        # e. tablemirror on each file alone, one after the other (its peak RSS is the largest single file's).
        sample tm-files /dev/null "$tablemirror" decode "${files[@]}" --json
        sample tm-remote /dev/null "$tablemirror" decode --host 127.0.0.1 --port "$port" --user tm --stop-at-end --json
        sample mariadb-binlog /dev/null mariadb-binlog --verbose --base64-output=decode-rows "${files[@]}"
        sample tm-each /dev/null bash -c 'tm=$1; shift; for f in "$@"; do "$tm" decode "$f" --json; done' _ "$tablemirror" "${files[@]}"
        if [ $((SECONDS - started)) -ge "$repeat_budget" ]; then
            [ "$round" -lt "$repeat" ] && log "stopping after $round rounds: they took $((SECONDS - started)) s (budget $repeat_budget s)"
            break
        fi
    done

    stats tm-files
    local tm_files_range=$range_seconds tm_files_cpu=$med_cpu tm_files_s=$med_seconds tm_files_rss=$max_rss_kb tm_files_runs=$runs
    local total_rows
    total_rows=$(summary_rows "$work/tm-files.err")
    [ -n "$total_rows" ] || die "no summary from tablemirror decode: $(cat "$work/tm-files.err")"
    local expected=$((insert_rows + update_rows + delete_rows))
    [ "$total_rows" -eq "$expected" ] || log "WARNING: tablemirror counted $total_rows row changes, expected $expected"

    stats tm-remote
    local tm_remote_range=$range_seconds tm_remote_cpu=$med_cpu tm_remote_s=$med_seconds tm_remote_rss=$max_rss_kb tm_remote_runs=$runs tm_remote_rows
    tm_remote_rows=$(summary_rows "$work/tm-remote.err")
    [ "$tm_remote_rows" = "$total_rows" ] || log "WARNING: remote decode counted $tm_remote_rows row changes, files $total_rows"

    stats mariadb-binlog
    local mb_range=$range_seconds mb_cpu=$med_cpu mb_s=$med_seconds mb_rss=$max_rss_kb mb_runs=$runs mb_rows
    # Its row count, from a separate run that is not timed.
    mb_rows=$(mariadb-binlog --verbose --base64-output=decode-rows "${files[@]}" \
        | grep -c -E '^### (INSERT INTO|UPDATE|DELETE FROM) ' || true)
    [ "$mb_rows" = "$total_rows" ] || log "WARNING: mariadb-binlog printed $mb_rows row changes, tablemirror $total_rows"

    stats tm-each
    local tm_each_range=$range_seconds tm_each_cpu=$med_cpu tm_each_s=$med_seconds tm_each_rss=$max_rss_kb tm_each_runs=$runs tm_each_rows
    tm_each_rows=$(sed -n 's/.*decoded [0-9]* events, \([0-9]*\) row changes.*/\1/p' "$work/tm-each.err" | awk '{ n += $1 } END { print n + 0 }')
    [ "$tm_each_rows" = "$total_rows" ] || log "WARNING: the files one by one gave $tm_each_rows row changes, all at once $total_rows"

    log "d. python-mysql-replication (remote, stops after ${py_max_seconds} s)"
    timed py "$work/py.out" "$venv/bin/python" scripts/bench/pymysqlreplication_decode.py \
        --port "$port" --user tm --log-file "$first_name" --max-seconds "$py_max_seconds"
    local py_cpu=$run_cpu py_s=$run_seconds py_rss=$run_rss_kb py_rows py_state
    read -r py_rows _ _ py_state <"$work/py.out"
    if [ "$py_state" = complete ] && [ "$py_rows" != "$total_rows" ]; then
        log "WARNING: python-mysql-replication counted $py_rows row changes, tablemirror $total_rows"
    fi

    local load_after
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    # Versions and machine.
    local v_binlog v_server v_py v_pymysql v_python v_swift cpu cores mem
    v_binlog=$(mariadb-binlog --version | head -1)
    v_server=$(mariadbd --version | head -1)
    v_py=$("$venv/bin/pip" show mysql-replication | sed -n 's/^Version: //p')
    v_pymysql=$("$venv/bin/pip" show PyMySQL | sed -n 's/^Version: //p')
    v_python=$("$venv/bin/python" --version 2>&1)
    v_swift=$(swift --version 2>&1 | grep -m1 -i 'swift version' || swift --version 2>&1 | head -1)
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    cores=$(nproc)
    mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')

    local tm_rate mb_rate py_rate tm_remote_rate tm_each_rate
    tm_rate=$(rate "$total_rows" "$tm_files_s")
    tm_remote_rate=$(rate "$tm_remote_rows" "$tm_remote_s")
    tm_each_rate=$(rate "$tm_each_rows" "$tm_each_s")
    mb_rate=$(rate "$mb_rows" "$mb_s")
    py_rate=$(rate "$py_rows" "$py_s")

    local py_input="server, remote (non-blocking)"
    [ "$py_state" = complete ] || py_input="server, remote — **prefix only**: stopped after ${py_max_seconds} s, $(group "$py_rows") of $(group "$total_rows") row changes"

    # Verdicts against the goal.
    local v_py_goal v_mb_goal v_mem_goal
    v_py_goal=$(awk -v a="$tm_rate" -v b="$py_rate" 'BEGIN { print (b > 0 && a / b >= 30) ? "met" : "**not met**" }')
    v_mb_goal=$(awk -v a="$tm_rate" -v b="$mb_rate" 'BEGIN { print (a > b) ? "met" : "**not met**" }')
    v_mem_goal=$(awk -v a="$tm_files_rss" -v b="$tm_each_rss" 'BEGIN { print (a <= b * 1.25 + 8192) ? "met" : "**not met**" }')

    local cpu_note
    cpu_note=$(awk -v t="$tm_files_cpu" -v m="$mb_cpu" -v ts="$tm_files_s" -v ms="$mb_s" 'BEGIN {
        if (t > m) printf "In CPU time tablemirror spends %.2f s against mariadb-binlog'"'"'s %.2f s (%.2f×): it decodes and writes on two threads, so its wall time depends on the second core being free, while mariadb-binlog runs on one.", t, m, t / m
        else printf "In CPU time too tablemirror spends less: %.2f s against mariadb-binlog'"'"'s %.2f s.", t, m
    }')
    local section="$work/decode.md"
    cat >"$section" <<EOF
## Decode

Produced by \`scripts/bench.sh decode\` on $(date -u '+%Y-%m-%d %H:%M UTC'), tablemirror built from $built_from.

| tool | input | row changes | seconds (median) | fastest–slowest | CPU s | runs | rows/s | peak RSS MB | tablemirror (files) rows/s ÷ this |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| tablemirror \`decode --json\` | ${#files[@]} binlog files ($((binlog_bytes / 1048576)) MB) | $(group "$total_rows") | $tm_files_s | $tm_files_range | $tm_files_cpu | $tm_files_runs | $(group "$tm_rate") | $(mb "$tm_files_rss") | 1.00× |
| tablemirror \`decode --json --stop-at-end\` | server, remote | $(group "$tm_remote_rows") | $tm_remote_s | $tm_remote_range | $tm_remote_cpu | $tm_remote_runs | $(group "$tm_remote_rate") | $(mb "$tm_remote_rss") | $(ratio "$tm_rate" "$tm_remote_rate") |
| \`mariadb-binlog --verbose --base64-output=decode-rows\` | the same files | $(group "$mb_rows") | $mb_s | $mb_range | $mb_cpu | $mb_runs | $(group "$mb_rate") | $(mb "$mb_rss") | $(ratio "$tm_rate" "$mb_rate") |
| python-mysql-replication \`BinLogStreamReader\` | $py_input | $(group "$py_rows") | $py_s | – | $py_cpu | 1 | $(group "$py_rate") | $(mb "$py_rss") | $(ratio "$tm_rate" "$py_rate") |
| tablemirror \`decode --json\`, each file alone in turn | the same files, one process each (largest: $((largest_bytes / 1048576)) MB) | $(group "$tm_each_rows") | $tm_each_s | $tm_each_range | $tm_each_cpu | $tm_each_runs | $(group "$tm_each_rate") | $(mb "$tm_each_rss") | – |

The runs go in rounds, each round running every tool but python-mysql-replication once in turn (up
to $repeat rounds, fewer once they took ${repeat_budget} s), so that anything else running on the machine
disturbs them alike; python-mysql-replication runs once, after them. Seconds are wall time (GNU
\`time\` \`%e\`), the median of the runs; rows/s is computed from it. CPU s is the tool's own user + system time (\`%U + %S\`, median),
which the other processes on the machine disturb less; for the remote runs the server's work of reading
and sending the binlog is not in it. Peak RSS is \`%M\`, the largest of the runs. Every tool
writes to \`/dev/null\`; the binlog files are in the page cache. Row changes count an update (before and
after image) once. The remote runs read from the server over loopback TCP, so their wall time includes the server's work.

**Dataset.** A fresh MariaDB server (\`--binlog-format=ROW --binlog-row-image=FULL
--binlog-row-metadata=FULL --max-binlog-size=$binlog_size --binlog-checksum=CRC32\`), one InnoDB table with
INT auto-increment primary key, BIGINT UNSIGNED, DECIMAL(12,2), VARCHAR(64) utf8mb4 (non-ASCII text),
DATETIME(6), TIMESTAMP, DOUBLE, ENUM, TEXT (~100 bytes, 10 % NULL), JSON, DATE (11 % NULL) and
TINYINT columns: $(group "$insert_rows") inserts (\`INSERT … SELECT … FROM seq_…\`), $(group "$update_rows") updates and
$(group "$delete_rows") deletes, $(group "$chunk") rows per statement (autocommit) — $(group "$total_rows") row changes in
${#files[@]} binlog files, $((binlog_bytes / 1048576)) MB.

**Machine.** $cores cores, $cpu, $mem memory; load average (1, 5, 15 min) $load_before just before the
first measurement (the data generation had just ended) and $load_after after the last; on 2 cores, anything
else running on the machine meanwhile shows up in the wall times.

**Versions.** $v_swift (release build); \`$v_binlog\` with \`$v_server\`;
python-mysql-replication (PyPI \`mysql-replication\`) $v_py with PyMySQL $v_pymysql on $v_python.

**Reading.** Goal: at least 30× python-mysql-replication's rows/s — $v_py_goal
($(ratio "$tm_rate" "$py_rate")); faster than \`mariadb-binlog --verbose\` — $v_mb_goal ($(ratio "$tm_rate" "$mb_rate"));
memory flat in the binlog's size — $v_mem_goal (peak RSS $(mb "$tm_files_rss") MB decoding all
$((binlog_bytes / 1048576)) MB at once, against $(mb "$tm_each_rss") MB at most decoding each file, $((largest_bytes / 1048576)) MB or less, alone: peak RSS
follows the size of the events in flight, not of the binlog). $cpu_note tablemirror parses every event
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
    apply)
        work=$(mktemp -d /tmp/tablemirror-bench.XXXXXX)
        # shellcheck source=bench/apply.sh
        source scripts/bench/apply.sh
        bench_apply
        ;;
    guards)
        work=$(mktemp -d /tmp/tablemirror-bench.XXXXXX)
        # shellcheck source=bench/guards.sh
        source scripts/bench/guards.sh
        bench_guards
        ;;
    ha)
        work=$(mktemp -d /tmp/tablemirror-bench.XXXXXX)
        # shellcheck source=bench/ha.sh
        source scripts/bench/ha.sh
        bench_ha
        ;;
    snapshot)
        work=$(mktemp -d /tmp/tablemirror-bench.XXXXXX)
        # shellcheck source=bench/snapshot.sh
        source scripts/bench/snapshot.sh
        bench_snapshot
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
