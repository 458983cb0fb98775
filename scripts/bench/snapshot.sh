# shellcheck shell=bash
# shellcheck disable=SC2154 # root, work, tablemirror, built_from, write_results: set by scripts/bench.sh
# `scripts/bench.sh snapshot`, sourced by scripts/bench.sh (uses its helpers: die, log, ensure_tools,
# build_tablemirror, bench_two_servers, server_value, median, ratio, write_section, $work, $root).
#
# What the table-lock snapshot method (`source.snapshot: table-lock`, the way for sources without MariaDB's
# snapshot position) costs, on one source (33111) and one target server (33112), with a table bench.t:
# 1. the initial copy: how long the table was locked for its snapshot;
# 2. an online resync of bench.t while a writer keeps updating it, with the table lock and with MariaDB's snapshot
#    position, rounds alternating: the resync's seconds, and with the lock, how long each chunk's snapshot held
#    it (p50/p99/max, from the daemon's report at the end of the copy) and the writer's updates in the meantime.

sn_src=tm-snap-src
sn_tgt=tm-snap-tgt
sn_src_port=${BENCH_SNAPSHOT_SOURCE_PORT:-33111}
sn_tgt_port=${BENCH_SNAPSHOT_TARGET_PORT:-33112}
sn_rows=${BENCH_SNAPSHOT_ROWS:-300000}
sn_rounds=${BENCH_SNAPSHOT_ROUNDS:-3}
sn_pid=""
sn_writer=""


sn_cleanup() {
    [ -n "$sn_pid" ] && kill -KILL "$sn_pid" 2>/dev/null
    [ -n "$sn_writer" ] && kill "$sn_writer" 2>/dev/null
    bash "$root/scripts/mariadb-server.sh" stop $sn_tgt >/dev/null 2>&1 || true
    bash "$root/scripts/mariadb-server.sh" stop $sn_src >/dev/null 2>&1 || true
    rm -rf "$work"
}

# sn_config METHOD: bench.t into the target database METHOD (`locked` or `position`), with that snapshot method.
sn_config() {
    local method=table-lock
    [ "$1" = position ] && method=auto
    cat >"$work/$1.yaml" <<EOF
source: { host: 127.0.0.1, port: $sn_src_port, user: tm, password_env: TM_SOURCE_PASSWORD, server_id: 4310, snapshot: $method }
targets:
  $1: { host: 127.0.0.1, port: $sn_tgt_port, user: tm, password_env: TM_TEST_PASSWORD, database: $1 }
admin: { listen: "off" }
mappings:
  - { source: bench.t, targets: [$1] }
EOF
}

# sn_start NAME: the daemon on NAME's configuration, its log in NAME.out; returns once it streams.
sn_start() {
    "$tablemirror" run --config "$work/$1.yaml" >>"$work/$1.out" 2>&1 &
    sn_pid=$!
    local waited=0
    until [ -n "$(server_value $sn_tgt "SELECT 1 FROM _tablemirror.checkpoint WHERE target = '$1'" 2>/dev/null)" ]; do
        kill -0 "$sn_pid" 2>/dev/null || { tail -20 "$work/$1.out" >&2; die "$1 stopped"; }
        sleep 0.2
        waited=$((waited + 1))
        [ "$waited" -lt 3000 ] || die "$1 did not finish its initial copy within 600 s"
    done
}

sn_stop() {
    kill -TERM "$sn_pid" 2>/dev/null || true
    wait "$sn_pid" 2>/dev/null || true
    sn_pid=""
}

# sn_resync NAME: a resync of bench.t under the writer; sets resync_seconds and written (the writer's updates).
sn_resync() {
    local before t0
    before=$(server_value $sn_src "SELECT SUM(v) FROM bench.t")
    t0=$(date +%s.%N)
    "$tablemirror" resync bench.t --target "$1" --config "$work/$1.yaml" >>"$work/$1.resync" 2>&1 \
        || { tail -20 "$work/$1.resync" >&2; die "the resync into $1 failed"; }
    resync_seconds=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    written=$(( $(server_value $sn_src "SELECT SUM(v) FROM bench.t") - before ))
}

bench_snapshot() {
    bench_two_servers sn_cleanup $sn_src $sn_src_port $sn_tgt $sn_tgt_port
    bash "$root/scripts/mariadb-server.sh" sql $sn_src "CREATE DATABASE bench; CREATE TABLE bench.t (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(80));
        INSERT INTO bench.t SELECT seq, 0, REPEAT(CHAR(65 + seq % 26), 60) FROM bench.seq_1_to_$sn_rows"
    bash "$root/scripts/mariadb-server.sh" sql $sn_tgt "CREATE DATABASE locked; CREATE DATABASE position"
    sn_config locked
    sn_config position
    log "initial copies"
    sn_start locked; sn_stop
    sn_start position; sn_stop
    local initial_lock
    initial_lock=$(grep -o 'tables locked [0-9.]* ms for the snapshot' "$work/locked.out" | head -1 | awk '{ print $3 }')

    log "resyncs of $sn_rows rows under a writer of one-row updates"
    (while :; do server_value $sn_src "UPDATE bench.t SET v = v + 1 WHERE id = 1 + FLOOR(RAND() * $sn_rows)"; done) &
    sn_writer=$!
    local locked_s=() position_s=() locked_w=() position_w=() round name
    for round in $(seq 1 "$sn_rounds"); do
        for name in $([ $((round % 2)) = 1 ] && echo "locked position" || echo "position locked"); do
            sn_start "$name"
            sn_resync "$name"
            sn_stop
            if [ "$name" = locked ]; then locked_s+=("$resync_seconds"); locked_w+=("$written")
            else position_s+=("$resync_seconds"); position_w+=("$written"); fi
            log "  round $round, $name: $resync_seconds s, $written updates meanwhile"
        done
    done
    kill "$sn_writer" 2>/dev/null; wait "$sn_writer" 2>/dev/null || true
    sn_writer=""
    local holds
    holds=$(grep -o 'tables locked for the snapshots: .*' "$work/locked.out" | sed 's/^tables locked for the snapshots: //')
    [ -n "$holds" ] || die "no lock hold times in the daemon's log"

    local section="$work/snapshot.md"
    {
        echo "## Table-lock snapshots (\`scripts/bench.sh snapshot\`)"
        echo
        echo "Produced by \`scripts/bench.sh snapshot\` on $(date -u '+%Y-%m-%d %H:%M') UTC, tablemirror built from $built_from; one source and"
        echo "one target server on loopback ($(mariadbd --version 2>/dev/null | awk '{ print $3 }')), $(nproc) cores; \`bench.t\`: $sn_rows rows of ~70 bytes."
        echo "\`source.snapshot: table-lock\` (the method for sources without MariaDB's snapshot position, forced here on MariaDB)"
        echo "against MariaDB's snapshot position (\`auto\`)."
        echo
        echo "**Lock held for the initial copy's snapshot** (one table): $initial_lock ms."
        echo
        echo "**Online resync of \`bench.t\`** while a writer keeps updating it (one-row updates, one client at a time), $sn_rounds rounds"
        echo "alternating which goes first; one snapshot per chunk of up to 2,000 rows:"
        echo
        echo "| snapshot method | resync seconds per round | median s | ÷ MariaDB's position | writer's updates per round |"
        echo "| --- | --- | ---: | ---: | --- |"
        echo "| MariaDB's snapshot position (\`auto\`) | ${position_s[*]} | $(median "${position_s[@]}") | 1.00× | ${position_w[*]} |"
        echo "| table lock (\`table-lock\`) | ${locked_s[*]} | $(median "${locked_s[@]}") | $(ratio "$(median "${locked_s[@]}")" "$(median "${position_s[@]}")") | ${locked_w[*]} |"
        echo
        echo "**How long each chunk's snapshot held the table locked** (from locking to unlocking, as the daemon reports it when"
        echo "each copy ends; the wait for the lock — for open transactions that wrote the table — not counted), one line per round:"
        echo
        echo '```'
        echo "$holds"
        echo '```'
    } >"$section"
    cat "$section"
    if [ "$write_results" = 1 ]; then write_section snapshot "$section"; fi
}
