# shellcheck shell=bash
# shellcheck disable=SC2154 # root, work, venv, tablemirror, built_from, write_results: set by scripts/bench.sh
# `scripts/bench.sh apply`, sourced by scripts/bench.sh (uses its helpers: die, log, ensure_tools,
# build_tablemirror, ensure_venv, rate, group, ratio, mb, write_section, $work, $root, $venv).
#
# tablemirror's apply throughput against MariaDB's own replication, same workload, same run:
#   33081 source, 33082 tablemirror's target, 33083 native replica (single-threaded),
#   33084 native replica (slave_parallel_threads=4, optimistic).
# 1. sysbench prepare on the source (4 tables); every replica starts from that state at the same binlog
#    position P0 (native ones from a mariadb-dump, tablemirror from its own initial copy, then stopped).
# 2. A backlog in phases: bulk multi-row inserts (2,600 rows per statement), the sysbench OLTP mix
#    (oltp_insert + oltp_write_only), wide rows (~2 KB of text and blob: inserts, updates, deletes), updates of
#    many rows by one statement, and a table of every common type (inserts, updates, deletes).
# 3. Each phase is written with every replica stopped; then each replica in turn (the others idle) catches up
#    on it and stops again; timed per phase, the sums are the whole backlog's.
# 4. Steady-state lag: all replicas running, a heartbeat row updated every 100 ms while sysbench runs
#    at a fixed rate; each replica polled every 20 ms.
# 5. Outage under load: every replica stopped for a while as sysbench goes on at that rate, then started;
#    the time each takes to reach the source's position at the restart.
# 6. One big transaction (memory), then CHECKSUM TABLE on every replica against the source.

apply_src=tm-apply-src
apply_tgt=tm-apply-tgt
apply_st=tm-apply-st
apply_par=tm-apply-par
apply_src_port=33081
apply_tgt_port=33082
apply_st_port=33083
apply_par_port=33084
apply_insert_events=${BENCH_APPLY_INSERT_EVENTS:-200000}   # oltp_insert: 1 row change per transaction
apply_write_events=${BENCH_APPLY_WRITE_EVENTS:-200000}     # oltp_write_only: 4 row changes per transaction
apply_table_size=${BENCH_APPLY_TABLE_SIZE:-100000}
apply_lag_seconds=${BENCH_APPLY_LAG_SECONDS:-30}           # 0: skip the lag phase
apply_mixed_batches=${BENCH_APPLY_MIXED_BATCHES:-50}        # mixed-type table: 1,000 inserts + 1,000 updates + 500 deletes each
apply_bulk_statements=${BENCH_APPLY_BULK_STATEMENTS:-100}  # bulk phase: INSERT … SELECT of 2,600 rows each
apply_wide_rows=${BENCH_APPLY_WIDE_ROWS:-20000}            # wide phase: rows of ~2 KB inserted, updated, a quarter deleted
apply_outage_seconds=${BENCH_APPLY_OUTAGE_SECONDS:-30}     # outage phase: how long every replica is stopped under load (0 skips)
apply_big_rows=${BENCH_APPLY_BIG_ROWS:-200000}              # rows of the one big transaction (memory phase)
apply_timeout=${BENCH_APPLY_TIMEOUT:-900}                  # give up on a catch-up after this long
tm_pid=""

asql() { bash "$root/scripts/mariadb-server.sh" sql "$1" "$2"; }
# One value (first column of the first row), no headers.
aval() { mariadb --no-defaults --socket="$TM_SERVERS_DIR/$1/mariadbd.sock" -uroot -N -B -e "$2"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

apply_cleanup() {
    if [ -n "$tm_pid" ] && kill -0 "$tm_pid" 2>/dev/null; then
        kill -TERM "$tm_pid" 2>/dev/null || true
        wait "$tm_pid" 2>/dev/null || true
    fi
    local s
    for s in $apply_par $apply_st $apply_tgt $apply_src; do
        bash "$root/scripts/mariadb-server.sh" stop "$s" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}

sysbench_args() {
    echo --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$apply_src_port --mysql-user=tm \
        --mysql-password="$TM_TEST_PASSWORD" --mysql-db=bench --tables=4 --table-size="$apply_table_size"
}

# sysbench TEST EVENTS: runs it on the source with 4 threads, unthrottled; sets sb_tps and sb_seconds.
sysbench_run() {
    local test=$1 events=$2
    # shellcheck disable=SC2046
    sysbench "$test" $(sysbench_args) --threads=4 --rate=0 --time=0 --events="$events" \
        --report-interval=0 run >"$work/sb-$test.out" 2>&1 || { tail -20 "$work/sb-$test.out" >&2; die "sysbench $test run failed"; }
    sb_tps=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' "$work/sb-$test.out" | head -1)
    sb_seconds=$(sed -n 's/.*total time: *\([0-9.]*\)s.*/\1/p' "$work/sb-$test.out" | head -1)
    log "  sysbench $test: $events events in ${sb_seconds} s ($sb_tps transactions/s)"
}

# The mixed-type table's share of the backlog: each transaction inserts 1,000 rows, updates the 1,000 before
# them and deletes 500 older ones.
mixed_backlog() {
    local batch sql="" lo hi
    for ((batch = 0; batch < apply_mixed_batches; batch++)); do
        lo=$((batch * 1000 + 1)); hi=$(((batch + 1) * 1000))
        sql+="BEGIN;
INSERT INTO bench.mixed SELECT seq, seq / 7, '2024-01-01' + INTERVAL seq SECOND, CONCAT('名前 ', seq), REPEAT(X'AB', seq % 200),
  JSON_OBJECT('n', seq, 's', 'x'), ELT(1 + seq % 3, 'a', 'b', 'c'), 'x,y', seq / 3, '2024-01-01 00:00:00.5' FROM bench.seq_${lo}_to_${hi};
UPDATE bench.mixed SET amount = amount + 1, doc = JSON_SET(doc, '\$.u', $batch), name = CONCAT(name, '!') WHERE id BETWEEN $((lo - 1000)) AND $((lo - 1));
DELETE FROM bench.mixed WHERE id BETWEEN $((lo - 2000)) AND $((lo - 1501));
COMMIT;
"
    done
    asql $apply_src "$sql"
}

# Bulk loading: each statement one transaction of 2,600 rows, as a batch import writes them.
bulk_backlog() {
    local n sql="" lo
    for ((n = 0; n < apply_bulk_statements; n++)); do
        lo=$((n * 2600))
        sql+="INSERT INTO bench.bulk SELECT $lo + seq, seq % 1000, CONCAT('item-', $lo + seq, '-', MD5(seq)), '2024-01-01' + INTERVAL ($lo + seq) MINUTE,
  seq / 100 FROM bench.seq_1_to_2600;
"
    done
    asql $apply_src "$sql"
}

# Wide rows of about 2 KB of varied text and blob: inserted 100 to a transaction, updated 1,000 to a
# statement, a quarter deleted 1,000 to a statement.
wide_backlog() {
    local lo sql=""
    for ((lo = 1; lo <= apply_wide_rows; lo += 100)); do
        sql+="INSERT INTO bench.wide SELECT seq, CONCAT('title ', seq, ' ', MD5(seq)), REPEAT(CONCAT(MD5(seq), ' Überweisung ', seq, '; '), 20),
  UNHEX(REPEAT(MD5(seq * 7), 16)), CONCAT('note ', seq) FROM bench.seq_${lo}_to_$((lo + 99));
"
    done
    for ((lo = 1; lo <= apply_wide_rows; lo += 1000)); do
        sql+="UPDATE bench.wide SET body = CONCAT(body, ' edited'), payload = REVERSE(payload), note = CONCAT(note, '!') WHERE id BETWEEN $lo AND $((lo + 999));
"
    done
    for ((lo = 1; lo <= apply_wide_rows; lo += 1000)); do
        sql+="DELETE FROM bench.wide WHERE id BETWEEN $lo AND $((lo + 999)) AND id % 4 = 0;
"
    done
    asql $apply_src "$sql"
}

# Updates of many rows by one statement: every row of two sysbench tables, one statement (one transaction) each.
many_row_updates_backlog() {
    asql $apply_src "UPDATE bench.sbtest1 SET k = k + 1; UPDATE bench.sbtest2 SET c = REVERSE(c)"
}

master_status() { aval $apply_src "SHOW MASTER STATUS" | awk '{ print $1, $2 }'; }

tm_position() { tm_checkpoint | tr '\t' ' '; }
native_position() { native_status "$fetch_server" | awk '{ print $1, $2 }'; }

# Phases of the backlog, in order: name and the function that writes it.
phase_names=("bulk inserts" "OLTP mix" "wide rows" "many-row updates" "mixed types")
phase_writers=(bulk_backlog oltp_backlog wide_backlog many_row_updates_backlog mixed_backlog)

oltp_backlog() {
    sysbench_run oltp_insert "$apply_insert_events"
    ins_tps=$sb_tps ins_s=$sb_seconds
    sysbench_run oltp_write_only "$apply_write_events"
    wo_tps=$sb_tps wo_s=$sb_seconds
}

# Row changes between two positions ("file pos"), counted by `tablemirror decode` (the source is quiet).
rows_between() {
    local from_file from_pos
    read -r from_file from_pos <<<"$1"
    "$tablemirror" decode --host 127.0.0.1 --port $apply_src_port --user tm --start-file "$from_file" --start-pos "$from_pos" \
        --stop-at-end >/dev/null 2>"$work/phase.err" || { cat "$work/phase.err" >&2; die "decode failed"; }
    summary_rows "$work/phase.err"
}

# Catches every replica up, one at a time, on the backlog a phase left (each started, then stopped again at the
# head); appends the seconds to tm_seconds, st_seconds, par_seconds and tablemirror's peak RSS to tm_hwm.
catch_up_phase() {
    local head_file head_pos t0
    read -r head_file head_pos <<<"$(master_status)"
    t0=$(now)
    tm_start
    tm_wait "$head_file" "$head_pos" "$t0"
    tm_seconds+=("$caught_seconds")
    tm_hwm+=("$(awk '/^VmHWM:/ { print $2 }' "/proc/$tm_pid/status")")
    tm_stop
    t0=$(now)
    asql $apply_st "START SLAVE"
    native_wait $apply_st "$head_file" "$head_pos" "$t0"
    st_seconds+=("$caught_seconds")
    asql $apply_st "STOP SLAVE"
    t0=$(now)
    asql $apply_par "START SLAVE"
    native_wait $apply_par "$head_file" "$head_pos" "$t0"
    par_seconds+=("$caught_seconds")
    asql $apply_par "STOP SLAVE"
}

sum() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.2f", s }'; }

tm_checkpoint() {
    aval $apply_tgt "SELECT binlog_file, binlog_position FROM _tablemirror.checkpoint WHERE target = 'orders'" 2>/dev/null || true
}

# reached FILE POS HEADFILE HEADPOS: true when (FILE, POS) is at or past the head.
reached() {
    [ -n "$1" ] || return 1
    [[ "$1" > "$3" ]] && return 0
    [ "$1" = "$3" ] && [ "$2" -ge "$4" ]
}

tm_config() {
    cat >"$work/tablemirror.yaml" <<EOF
source:
  host: 127.0.0.1
  port: $apply_src_port
  user: tm
  password_env: TM_SOURCE_PASSWORD
  server_id: 4242
targets:
  orders:
    host: 127.0.0.1
    port: $apply_tgt_port
    user: tm
    password_env: TM_TEST_PASSWORD
    database: bench
mappings:
  - { source: "bench.*", targets: [orders] }
EOF
}

tm_start() {
    "$tablemirror" run --config "$work/tablemirror.yaml" >>"$work/tm-run.out" 2>&1 &
    tm_pid=$!
}

tm_stop() {
    [ -n "$tm_pid" ] || return 0
    kill -TERM "$tm_pid" 2>/dev/null || true
    local status=0
    wait "$tm_pid" 2>/dev/null || status=$?
    [ "$status" = 0 ] || log "tablemirror exited with status $status: $(tail -3 "$work/tm-run.out")"
    tm_pid=""
}

# Waits for tablemirror's checkpoint to reach HEADFILE HEADPOS; sets caught_seconds (from $2, a start time).
tm_wait() {
    local head_file=$1 head_pos=$2 t0=$3 cp file pos
    while :; do
        kill -0 "$tm_pid" 2>/dev/null || { tail -20 "$work/tm-run.out" >&2; die "tablemirror stopped"; }
        cp=$(tm_checkpoint)
        read -r file pos <<<"${cp:-x 0}"
        if [ "$file" != x ] && reached "$file" "$pos" "$head_file" "$head_pos"; then break; fi
        [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt "$apply_timeout" ] || die "tablemirror did not catch up within $apply_timeout s (checkpoint $cp, head $head_file $head_pos)"
        sleep 0.2
    done
    caught_seconds=$(elapsed "$t0" "$(now)")
}

# native_status SERVER: prints Relay_Master_Log_File Exec_Master_Log_Pos Slave_SQL_Running Last_SQL_Errno.
native_status() {
    mariadb --no-defaults --socket="$TM_SERVERS_DIR/$1/mariadbd.sock" -uroot -e 'SHOW SLAVE STATUS\G' \
        | awk -F': ' '{ gsub(/^ +/, "", $1) } $1 == "Relay_Master_Log_File" { f = $2 } $1 == "Exec_Master_Log_Pos" { p = $2 }
                      $1 == "Slave_SQL_Running" { r = $2 } $1 == "Last_SQL_Errno" { e = $2 } END { print f, p, r, e }'
}

# outage_wait T0 FILE POS: polls all three replicas (running at once) until each reaches FILE POS; sets
# outage_tm, outage_st, outage_par (seconds from T0).
outage_wait() {
    local t0=$1 head_file=$2 head_pos=$3 t file pos
    outage_tm="" outage_st="" outage_par=""
    while [ -z "$outage_tm" ] || [ -z "$outage_st" ] || [ -z "$outage_par" ]; do
        t=$(now)
        if [ -z "$outage_tm" ]; then
            read -r file pos <<<"$(tm_position)"
            if [ -n "$file" ] && reached "$file" "$pos" "$head_file" "$head_pos"; then outage_tm=$(elapsed "$t0" "$t"); fi
        fi
        if [ -z "$outage_st" ]; then
            fetch_server=$apply_st
            native_check "$fetch_server"
            read -r file pos <<<"$(native_position)"
            if reached "$file" "$pos" "$head_file" "$head_pos"; then outage_st=$(elapsed "$t0" "$t"); fi
        fi
        if [ -z "$outage_par" ]; then
            fetch_server=$apply_par
            native_check "$fetch_server"
            read -r file pos <<<"$(native_position)"
            if reached "$file" "$pos" "$head_file" "$head_pos"; then outage_par=$(elapsed "$t0" "$t"); fi
        fi
        [ "$(elapsed "$t0" "$t" | cut -d. -f1)" -lt "$apply_timeout" ] || die "a replica did not catch up after the outage within $apply_timeout s"
        sleep 0.2
    done
}

# Stops the benchmark when SERVER's replication has failed.
native_check() {
    local errno
    read -r _ _ _ errno <<<"$(native_status "$1")"
    if [ "${errno:-0}" != 0 ]; then
        aval "$1" 'SHOW SLAVE STATUS\G' | grep -i 'Last_SQL_Error' >&2 || true
        die "$1: replication SQL error $errno"
    fi
}

native_wait() {
    local server=$1 head_file=$2 head_pos=$3 t0=$4 file pos
    while :; do
        native_check "$server"
        read -r file pos _ _ <<<"$(native_status "$server")"
        if reached "$file" "$pos" "$head_file" "$head_pos"; then break; fi
        [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt "$apply_timeout" ] || die "$server did not catch up within $apply_timeout s ($file $pos, head $head_file $head_pos)"
        sleep 0.2
    done
    caught_seconds=$(elapsed "$t0" "$(now)")
}

checksums() { aval "$1" "CHECKSUM TABLE bench.sbtest1, bench.sbtest2, bench.sbtest3, bench.sbtest4, bench.heartbeat, bench.mixed, bench.bulk, bench.wide" | awk '{ print $2 }' | tr '\n' ' '; }

bench_apply() {
    trap apply_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ensure_tools
    tm_ensure_packages sysbench
    command -v sysbench >/dev/null || die "sysbench is not installed (apt package sysbench)"
    build_tablemirror
    [ "$apply_lag_seconds" -gt 0 ] && ensure_venv
    local run_started=$SECONDS

    # ---- servers
    log "starting the source ($apply_src_port), tablemirror's target ($apply_tgt_port), native replicas ($apply_st_port, $apply_par_port)"
    bash scripts/mariadb-server.sh start $apply_src $apply_src_port --binlog-row-image=FULL >&2
    bash scripts/mariadb-server.sh start $apply_tgt $apply_tgt_port >&2
    bash scripts/mariadb-server.sh start $apply_st $apply_st_port --replicate-wild-do-table=bench.% --skip-slave-start >&2
    bash scripts/mariadb-server.sh start $apply_par $apply_par_port --replicate-wild-do-table=bench.% --skip-slave-start >&2

    # ---- initial state: sysbench tables + heartbeat on the source, copied to every replica at P0
    asql $apply_src "CREATE DATABASE bench; CREATE TABLE bench.heartbeat (id INT PRIMARY KEY, ts DATETIME(6)); INSERT INTO bench.heartbeat VALUES (1, UTC_TIMESTAMP(6));
        CREATE TABLE bench.mixed (id INT PRIMARY KEY, amount DECIMAL(12,2), at DATETIME(6), name VARCHAR(100) CHARSET utf8mb4,
          data BLOB, doc JSON, kind ENUM('a','b','c'), flags SET('x','y'), ratio DOUBLE, stamp TIMESTAMP(3) NULL, KEY (at));
        CREATE TABLE bench.bulk (id BIGINT PRIMARY KEY, grp INT, label VARCHAR(60), at DATETIME, amount DECIMAL(10,2), KEY (grp));
        CREATE TABLE bench.wide (id INT PRIMARY KEY, title VARCHAR(200), body TEXT, payload BLOB, note VARCHAR(500));"
    log "sysbench prepare: 4 tables of $apply_table_size rows"
    # shellcheck disable=SC2046
    sysbench oltp_insert $(sysbench_args) --threads=4 prepare >"$work/sb-prepare.out" 2>&1 \
        || { tail -20 "$work/sb-prepare.out" >&2; die "sysbench prepare failed"; }
    local p0_file p0_pos
    read -r p0_file p0_pos <<<"$(master_status)"
    log "initial state at $p0_file:$p0_pos; copying it to the native replicas (mariadb-dump)"
    mariadb-dump --no-defaults --socket="$TM_SERVERS_DIR/$apply_src/mariadbd.sock" -uroot --single-transaction \
        --databases bench >"$work/dump.sql"
    local s
    for s in $apply_st $apply_par; do
        mariadb --no-defaults --socket="$TM_SERVERS_DIR/$s/mariadbd.sock" -uroot --init-command='SET sql_log_bin=0' <"$work/dump.sql" &
    done
    wait
    for s in $apply_st $apply_par; do
        asql "$s" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$apply_src_port, MASTER_USER='tm', MASTER_PASSWORD='$TM_TEST_PASSWORD', MASTER_USE_GTID=no, MASTER_LOG_FILE='$p0_file', MASTER_LOG_POS=$p0_pos"
    done
    asql $apply_par "SET GLOBAL slave_parallel_threads=4, slave_parallel_mode='optimistic'"

    log "tablemirror: initial copy (then stopped)"
    asql $apply_tgt "CREATE DATABASE bench"
    tm_config
    local t0
    t0=$(now)
    tm_start
    tm_wait "$p0_file" "$p0_pos" "$t0"
    local copy_seconds=$caught_seconds
    tm_stop
    log "  initial copy done in ${copy_seconds} s (checkpoint $(tm_checkpoint | tr '\t' ':'))"
    [ "$(checksums $apply_tgt)" = "$(checksums $apply_src)" ] || die "the initial copy differs from the source (CHECKSUM TABLE)"
    [ "$(checksums $apply_st)" = "$(checksums $apply_src)" ] || die "the dump on $apply_st differs from the source"

    # ---- backlog and catch-up, phase by phase: every replica stopped while a phase's backlog is written, then
    # each in turn (the others idle) catches up on it from where it stopped
    local -a rows_per_phase=() tm_seconds=() st_seconds=() par_seconds=() tm_hwm=()
    local ins_tps="" ins_s="" wo_tps="" wo_s="" i phase_start
    cat /proc/loadavg >"$work/load-before"
    for i in "${!phase_names[@]}"; do
        phase_start=$(master_status)
        log "phase ${phase_names[$i]}: writing its backlog, every replica stopped"
        "${phase_writers[$i]}"
        rows_per_phase+=("$(rows_between "$phase_start")")
        log "  ${rows_per_phase[$i]} row changes; catching up: tablemirror, native single-threaded, native parallel"
        catch_up_phase
        log "  tablemirror ${tm_seconds[$i]} s (peak RSS $((tm_hwm[$i] / 1024)) MB), native single-threaded ${st_seconds[$i]} s, native parallel ${par_seconds[$i]} s"
    done
    local head_file head_pos
    read -r head_file head_pos <<<"$(master_status)"
    local rows trx binlog_mb
    rows=$(printf '%s\n' "${rows_per_phase[@]}" | awk '{ s += $1 } END { print s }')
    # The backlog's binlog files, from P0's to the head's (the start position applies to the first).
    local -a backlog_files=()
    local name size bytes=0
    while read -r name size; do
        [[ "$name" < "$p0_file" || "$name" > "$head_file" ]] && continue
        backlog_files+=("$TM_SERVERS_DIR/$apply_src/data/$name")
        [ "$name" = "$head_file" ] || bytes=$((bytes + size))
    done <<<"$(aval $apply_src "SHOW BINARY LOGS")"
    bytes=$((bytes - p0_pos + head_pos))
    trx=$(mariadb-binlog --no-defaults --start-position="$p0_pos" "${backlog_files[@]}" 2>/dev/null | grep -c 'Xid = ' || true)
    binlog_mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }')
    local tm_s st_s par_s tm_rss_kb tm_bulk_hwm=${tm_hwm[0]}
    tm_s=$(sum "${tm_seconds[@]}")
    st_s=$(sum "${st_seconds[@]}")
    par_s=$(sum "${par_seconds[@]}")
    tm_rss_kb=$(printf '%s\n' "${tm_hwm[@]}" | sort -n | tail -1)
    asql $apply_st "START SLAVE"
    asql $apply_par "START SLAVE"
    tm_start
    local load_after
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    local tm_rate st_rate par_rate
    tm_rate=$(rate "$rows" "$tm_s")
    st_rate=$(rate "$rows" "$st_s")
    par_rate=$(rate "$rows" "$par_s")

    # ---- steady-state lag
    local lag_rate="" lag_rows="" lag_rate_note=""
    declare -A lag
    if [ "$apply_lag_seconds" -gt 0 ]; then
        # Half the rate the source sustained for oltp_write_only above, unless BENCH_APPLY_LAG_RATE says.
        lag_rate=${BENCH_APPLY_LAG_RATE:-$(awk -v t="$wo_tps" 'BEGIN { printf "%.0f", t / 2 }')}
        lag_rate_note="half the $wo_tps the source sustained unthrottled with every replica stopped"
        [ -z "${BENCH_APPLY_LAG_RATE:-}" ] || lag_rate_note="BENCH_APPLY_LAG_RATE"
        log "steady-state lag: heartbeat every 100 ms for $apply_lag_seconds s, sysbench oltp_write_only at $lag_rate transactions/s, every replica running"
        local sb_pid
        # shellcheck disable=SC2046
        sysbench oltp_write_only $(sysbench_args) --threads=4 --rate="$lag_rate" --time=$((apply_lag_seconds + 2)) \
            --events=0 --report-interval=0 run >"$work/sb-lag.out" 2>&1 &
        sb_pid=$!
        sleep 1
        "$venv/bin/python" scripts/bench/apply_lag.py --source-port $apply_src_port --seconds "$apply_lag_seconds" \
            --replica "tablemirror:$apply_tgt_port" --replica "native-st:$apply_st_port" --replica "native-par:$apply_par_port" \
            >"$work/lag.out" 2>"$work/lag.err" || { cat "$work/lag.err" >&2; die "the lag probe failed"; }
        wait "$sb_pid" || { tail -20 "$work/sb-lag.out" >&2; die "sysbench (lag phase) failed"; }
        lag_rows=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' "$work/sb-lag.out" | head -1)
        local name n p50 p99 mx behind
        while read -r name n p50 p99 mx behind; do
            lag[$name]="$n $p50 $p99 $mx $behind"
            log "  $name: $n samples, p50 $p50 ms, p99 $p99 ms, max $mx ms, behind at end $behind ms"
        done <"$work/lag.out"
    fi

    # ---- outage under load: every replica stopped while sysbench goes on, then started together
    local outage_rate="" outage_head=""
    if [ "$apply_outage_seconds" -gt 0 ]; then
        outage_rate=${BENCH_APPLY_LAG_RATE:-$(awk -v t="$wo_tps" 'BEGIN { printf "%.0f", t / 2 }')}
        log "outage: sysbench oltp_write_only at $outage_rate transactions/s; every replica stopped for $apply_outage_seconds s, then started together"
        local sb_pid
        # shellcheck disable=SC2046
        sysbench oltp_write_only $(sysbench_args) --threads=4 --rate="$outage_rate" --time=$((apply_outage_seconds + apply_timeout)) \
            --events=0 --report-interval=0 run >"$work/sb-outage.out" 2>&1 &
        sb_pid=$!
        sleep 5
        tm_stop
        asql $apply_st "STOP SLAVE"
        asql $apply_par "STOP SLAVE"
        sleep "$apply_outage_seconds"
        outage_head=$(master_status)
        t0=$(now)
        tm_start
        asql $apply_st "START SLAVE"
        asql $apply_par "START SLAVE"
        outage_wait "$t0" $outage_head
        kill "$sb_pid" 2>/dev/null || true
        wait "$sb_pid" 2>/dev/null || true
        log "  back at the source's position at the restart ($outage_head) after: tablemirror ${outage_tm} s, native single-threaded ${outage_st} s, native parallel ${outage_par} s"
    fi

    # ---- memory during one big transaction: tablemirror's resident size sampled while it applies it
    log "big transaction: $apply_big_rows rows in one transaction on the source, every replica running"
    read -r head_file head_pos <<<"$(master_status)"
    t0=$(now)
    tm_wait "$head_file" "$head_pos" "$t0"
    local rss_before rss_sampler
    rss_before=$(awk '/^VmRSS:/ { print $2 }' "/proc/$tm_pid/status")
    ( while kill -0 "$tm_pid" 2>/dev/null; do awk '/^VmRSS:/ { print $2 }' "/proc/$tm_pid/status"; sleep 0.1; done ) >"$work/rss.log" &
    rss_sampler=$!
    t0=$(now)
    asql $apply_src "INSERT INTO bench.mixed SELECT 10000000 + seq, seq / 7, '2024-01-01' + INTERVAL seq SECOND, CONCAT('名前 ', seq),
        REPEAT(X'AB', seq % 200), JSON_OBJECT('n', seq, 's', 'big'), ELT(1 + seq % 3, 'a', 'b', 'c'), 'x', seq / 3, NULL
        FROM bench.seq_1_to_$apply_big_rows"
    read -r head_file head_pos <<<"$(master_status)"
    tm_wait "$head_file" "$head_pos" "$t0"
    local big_s=$caught_seconds rss_peak rss_after
    kill "$rss_sampler" 2>/dev/null; wait "$rss_sampler" 2>/dev/null || true
    rss_peak=$(sort -n "$work/rss.log" | tail -1)
    rss_after=$(awk '/^VmRSS:/ { print $2 }' "/proc/$tm_pid/status")
    log "  applied in ${big_s} s; RSS before $((rss_before / 1024)) MB, peak $((rss_peak / 1024)) MB, after $((rss_after / 1024)) MB"

    # ---- every replica equals the source
    read -r head_file head_pos <<<"$(master_status)"
    t0=$(now)
    tm_wait "$head_file" "$head_pos" "$t0"
    native_wait $apply_st "$head_file" "$head_pos" "$t0"
    native_wait $apply_par "$head_file" "$head_pos" "$t0"
    tm_rss_end_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$tm_pid/status")
    tm_stop
    local want verified=""
    want=$(checksums $apply_src)
    for s in $apply_tgt $apply_st $apply_par; do
        if [ "$(checksums "$s")" = "$want" ]; then verified+="$s equal; "; else verified+="$s DIFFERS; "; log "WARNING: $s differs from the source (CHECKSUM TABLE)"; fi
    done
    log "checksums: $verified"

    # ---- report
    local v_server v_swift v_sysbench cpu cores mem
    v_server=$(mariadbd --version | head -1)
    v_swift=$(swift --version 2>&1 | grep -m1 -i 'swift version' || swift --version 2>&1 | head -1)
    v_sysbench=$(sysbench --version)
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    cores=$(nproc)
    mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
    local goal_tp
    goal_tp=$(awk -v a="$tm_rate" -v b="$st_rate" -v c="$par_rate" 'BEGIN { print (a >= 1.5 * b && a >= c) ? "met" : "not met" }')
    local phase_table="| phase | row changes | tablemirror s | single-threaded s | parallel s | tablemirror rows/s | native single-threaded rows/s | native parallel rows/s | tablemirror ÷ single-threaded | tablemirror ÷ parallel |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    local n_rows r_tm r_st r_par slowest="" slowest_ratio=999
    for i in "${!phase_names[@]}"; do
        n_rows=${rows_per_phase[$i]:-0}
        r_tm=$(rate "$n_rows" "${tm_seconds[$i]}")
        r_st=$(rate "$n_rows" "${st_seconds[$i]}")
        r_par=$(rate "$n_rows" "${par_seconds[$i]}")
        phase_table+="
| ${phase_names[$i]} | $(group "$n_rows") | ${tm_seconds[$i]} | ${st_seconds[$i]} | ${par_seconds[$i]} | $(group "$r_tm") | $(group "$r_st") | $(group "$r_par") | $(ratio "$r_tm" "$r_st") | $(ratio "$r_tm" "$r_par") |"
        if awk -v a="$r_tm" -v b="$r_st" -v m="$slowest_ratio" 'BEGIN { exit !(b > 0 && a / b < m) }'; then
            slowest_ratio=$(awk -v a="$r_tm" -v b="$r_st" 'BEGIN { printf "%.2f", a / b }')
            slowest=${phase_names[$i]}
        fi
    done
    local goal_phase
    goal_phase=$(awk -v m="$slowest_ratio" 'BEGIN { print (m >= 1) ? "met" : "not met" }')
    goal_phase+=" (slowest: $slowest, ${slowest_ratio}×)"
    local outage_text="not measured"
    if [ -n "$outage_head" ]; then
        outage_text="sysbench \`oltp_write_only\` at \`--rate=$outage_rate\` throughout; every replica stopped (tablemirror by SIGTERM, the native ones by \`STOP SLAVE\`) for ${apply_outage_seconds} s, then started together; seconds until each reached the source's position at the restart: tablemirror **${outage_tm} s**, native single-threaded **${outage_st} s**, native parallel **${outage_par} s** (all three catching up at once, on shared cores)"
    fi
    local lag_table="" goal_lag="not measured" lag_note=""
    if [ "$apply_lag_seconds" -gt 0 ]; then
        local name n p50 p99 mx behind
        lag_table="| replica | heartbeats seen | lag p50 ms | p99 ms | max ms | behind at end ms |
| --- | ---: | ---: | ---: | ---: | ---: |"
        for name in tablemirror native-st native-par; do
            read -r n p50 p99 mx behind <<<"${lag[$name]:-0 – – – –}"
            lag_table+="
| $name | $n | $p50 | $p99 | $mx | $behind |"
        done
        read -r n p50 p99 mx behind <<<"${lag[tablemirror]:-0 0 99999 0 0}"
        goal_lag=$(awk -v p="$p99" -v b="$behind" 'BEGIN { print (p < 1000 && b == 0) ? "met" : "not met" }')
        goal_lag+=" (tablemirror p99 $p99 ms)"
        lag_note=" Fewer heartbeats seen means several heartbeat updates became visible in one target commit (tablemirror groups a backlog of source transactions into one target transaction), so the intermediate values were never visible."
        if awk -v a="$lag_rows" -v r="$lag_rate" 'BEGIN { exit !(a < 0.9 * r) }'; then
            lag_note+=" The source reached only $lag_rows of the $lag_rate transactions/s asked for: with four servers, tablemirror, sysbench and the probe on $(nproc) cores the machine was saturated, so these lags were measured under overload rather than at a comfortable steady load; BENCH_APPLY_LAG_RATE sets a lower rate."
        fi
    fi
    local goal_mem
    goal_mem=$(awk -v b="$rss_before" -v p="$rss_peak" 'BEGIN { print (p <= b + 32768) ? "met" : "not met" }')
    goal_mem+=" (resident size $(mb "$rss_before") MB before, $(mb "$rss_peak") MB at most while applying it, $(mb "$rss_after") MB after)"
    local section="$work/apply.md"
    cat >"$section" <<EOF
## Apply

Produced by \`scripts/bench.sh apply\` on $(date -u '+%Y-%m-%d %H:%M UTC'), tablemirror built from $built_from;
the whole run took $(( (SECONDS - run_started) / 60 )) min.

**Catch-up of a backlog** of $(group "$rows") row changes in $(group "$trx") source transactions (${binlog_mb} MB of binlog),
written in five phases; after each phase every replica in turn (the others idle) caught up on it from the same
position, then stopped again. Totals are the sums of the phases:

| mode | row changes | seconds | rows/s | ÷ native single-threaded | ÷ native parallel | peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| tablemirror \`run\` (one target) | $(group "$rows") | $tm_s | $(group "$tm_rate") | $(ratio "$tm_rate" "$st_rate") | $(ratio "$tm_rate" "$par_rate") | $(mb "$tm_rss_kb") |
| MariaDB replica, \`slave_parallel_threads=0\` | $(group "$rows") | $st_s | $(group "$st_rate") | 1.00× | $(ratio "$st_rate" "$par_rate") | – (in the server) |
| MariaDB replica, \`slave_parallel_threads=4\`, \`optimistic\` | $(group "$rows") | $par_s | $(group "$par_rate") | $(ratio "$par_rate" "$st_rate") | 1.00× | – (in the server) |

**Per phase** (tablemirror's peak RSS during the bulk phase: $(mb "$tm_bulk_hwm") MB):

$phase_table

Seconds run from starting tablemirror (\`tablemirror run\`, from its checkpoint) or \`START SLAVE\` (IO and SQL
threads both stopped during the backlog, so every replica reads the backlog from the source over loopback
TCP while it applies) until tablemirror's checkpoint in \`_tablemirror.checkpoint\`, or the replica's
\`Relay_Master_Log_File\`/\`Exec_Master_Log_Pos\`, reaches the source's \`SHOW MASTER STATUS\`, polled every
0.2 s. Peak RSS is tablemirror's largest \`VmHWM\` over the phases ($(mb "${tm_rss_end_kb:-0}") MB at the end of the run).
Initial copy of the $(group $((4 * apply_table_size))) prepared rows by tablemirror: ${copy_seconds} s (not in the table).
At the end every replica was compared with the source by \`CHECKSUM TABLE\`: $verified

**One big transaction.** $(group "$apply_big_rows") rows inserted into \`bench.mixed\` by one statement (one source
transaction, $(group "$apply_big_rows") row changes) while every replica ran: tablemirror applied it in ${big_s} s as one
target transaction; its resident size (\`VmRSS\`, sampled every 0.1 s) was $(mb "$rss_before") MB before, $(mb "$rss_peak") MB at
most while applying, $(mb "$rss_after") MB after.

**Catch-up after an outage under load.** $outage_text.

**Steady-state lag** ($( [ "$apply_lag_seconds" -gt 0 ] && echo "sysbench \`oltp_write_only\` at \`--rate=$lag_rate\` ($lag_rate_note; achieved $lag_rows transactions/s) for ${apply_lag_seconds} s while \`bench.heartbeat\` is updated with \`UTC_TIMESTAMP(6)\` every 100 ms; each replica polled every 20 ms, lag = when a heartbeat value is first seen − the value; all replicas running at once" || echo "not measured")):

$lag_table
$lag_note

**Workload.** Source \`--binlog-format=ROW --binlog-row-image=FULL\`; all four servers from
\`scripts/mariadb-server.sh\` (binlog on, \`--log-slave-updates\`, \`innodb_buffer_pool_size=256M\`, other settings
default: \`innodb_flush_log_at_trx_commit=1\`). $(sysbench --version) \`oltp_insert\` prepare: 4 tables \`sbtest1..4\` of
$(group "$apply_table_size") rows, plus \`bench.heartbeat\`; the native replicas start from a \`mariadb-dump\` of that
state at its binlog position (\`--replicate-wild-do-table=bench.%\`), tablemirror from its own initial copy
(mapping \`bench.*\` → target \`orders\`, database \`bench\`). Backlog, in phases: **bulk inserts**, $apply_bulk_statements
\`INSERT … SELECT\` statements of 2,600 rows each into \`bench.bulk\` (one transaction each); **OLTP mix**, \`oltp_insert\` $(group "$apply_insert_events") events
($ins_tps transactions/s on the source, ${ins_s} s), then \`oltp_write_only\` $(group "$apply_write_events") events (2 updates, a delete and
an insert per transaction; $wo_tps transactions/s, ${wo_s} s), 4 threads, \`--rate=0\`; **wide rows**, $(group "$apply_wide_rows") rows of
about 2 KB (a 1.3 KB utf8mb4 TEXT, a 256-byte BLOB, short strings) into \`bench.wide\`, 100 to a transaction, then all
updated and a quarter deleted, 1,000 to a statement; **many-row updates**, one \`UPDATE\` of every row of \`sbtest1\`
and one of \`sbtest2\`; **mixed types**, $apply_mixed_batches transactions on
\`bench.mixed\` (DECIMAL, DATETIME(6), utf8mb4 VARCHAR, BLOB, JSON, ENUM, SET, DOUBLE, TIMESTAMP(3)), each inserting 1,000 rows,
updating 1,000 and deleting 500. Row changes counted by
\`tablemirror decode\` over the backlog's binlog range (an update counts once).

**Machine.** $cores cores, $cpu, $mem memory; load average $(cut -d' ' -f1-3 "$work/load-before") before the catch-ups,
$load_after after. The source, the replicas and tablemirror share the machine, as do sysbench and the lag probe.

**Versions.** $v_swift (release build); \`$v_server\`; $v_sysbench.

**Reading.** Catch-up of the whole backlog at least 1.5× the native single-threaded replica and at least the
4-thread parallel one — $goal_tp ($(ratio "$tm_rate" "$st_rate") and $(ratio "$tm_rate" "$par_rate")). No phase below the
single-threaded replica — $goal_phase. p99 lag under 1 s at steady load — $goal_lag. Memory flat during a
$(group "$apply_big_rows")-row transaction — $goal_mem.
EOF
    cat "$section"
    if [ "$write_results" = 1 ]; then write_apply_section "$section"; fi
}

# Like write_section, but puts a new apply section right after the decode section.
write_apply_section() {
    local file="$root/BENCHMARKS.md"
    if [ -f "$file" ] && ! grep -qF '<!-- apply:begin -->' "$file" && grep -qF '<!-- decode:end -->' "$file"; then
        awk '{ print } $0 == "<!-- decode:end -->" { print ""; print "<!-- apply:begin -->"; print "<!-- apply:end -->" }' "$file" >"$file.tmp"
        mv "$file.tmp" "$file"
    fi
    write_section apply "$1"
}
