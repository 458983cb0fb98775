# shellcheck shell=bash
# shellcheck disable=SC2154 # root, work, tablemirror, built_from, write_results: set by scripts/bench.sh
# `scripts/bench.sh ha`, sourced by scripts/bench.sh (uses its helpers: die, log, ensure_tools, build_tablemirror, bench_two_servers,
# server_value, median, ratio, write_section, $work, $root).
#
# What high availability costs and how fast it takes over, on one source (33101) and one target server (33102):
# 1. The fence's cost: a backlog of small source transactions (one-row updates) caught up by a daemon without
#    `ha:` and by one with it (each into a database of its own on the target), in rounds, alternating which
#    goes first; seconds for each, median over the rounds.
# 2. Takeover: two daemons with `ha:` and the default lease (8 s, renewed every 2 s, standbys looking every
#    1 s) while the source takes a steady trickle of transactions; the leader killed (SIGKILL) again and again,
#    a fresh standby started each time; seconds from the kill to the new leader's first commit (the target's
#    clock: the checkpoint row's `updated_at`). Then the same for a clean stop (SIGTERM: the lease handed over).

ha_src=tm-ha-src
ha_tgt=tm-ha-tgt
ha_src_port=${BENCH_HA_SOURCE_PORT:-33101}
ha_tgt_port=${BENCH_HA_TARGET_PORT:-33102}
ha_rows=${BENCH_HA_ROWS:-10000}                  # rows of bench.t
ha_transactions=${BENCH_HA_TRANSACTIONS:-20000}  # one-row updates per backlog
ha_rounds=${BENCH_HA_ROUNDS:-3}
ha_kills=${BENCH_HA_KILLS:-10}
ha_handovers=${BENCH_HA_HANDOVERS:-3}
ha_timeout=${BENCH_HA_TIMEOUT:-600}
declare -A ha_pids=()

hsql() { bash "$root/scripts/mariadb-server.sh" sql "$1" "$2"; }
range_of() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }
target_now() { server_value $ha_tgt "SELECT UNIX_TIMESTAMP(NOW(6))"; }

ha_cleanup() {
    local name
    for name in "${!ha_pids[@]}"; do kill -KILL "${ha_pids[$name]}" 2>/dev/null || true; done
    [ -n "${ha_writer:-}" ] && kill "$ha_writer" 2>/dev/null
    bash "$root/scripts/mariadb-server.sh" stop $ha_tgt >/dev/null 2>&1 || true
    bash "$root/scripts/mariadb-server.sh" stop $ha_src >/dev/null 2>&1 || true
    rm -rf "$work"
}

# ha_config NAME TARGET HA_ID: a configuration replicating bench.* into database TARGET of the target server,
# under the target name TARGET; with `ha:` (default lease, this id) unless HA_ID is empty.
ha_config() {
    local name=$1 target=$2 id=$3
    cat >"$work/$name.yaml" <<EOF
source: { host: 127.0.0.1, port: $ha_src_port, user: tm, password_env: TM_SOURCE_PASSWORD, server_id: 4300 }
targets:
  $target: { host: 127.0.0.1, port: $ha_tgt_port, user: tm, password_env: TM_TEST_PASSWORD, database: $target }
admin: { listen: "off" }
mappings:
  - { source: "bench.*", targets: [$target] }
EOF
    if [ -n "$id" ]; then echo "ha: { id: $id }" >>"$work/$name.yaml"; fi
}

ha_start() {
    "$tablemirror" run --config "$work/$1.yaml" >>"$work/$1.out" 2>&1 &
    ha_pids[$1]=$!
}

ha_stop() {
    local pid=${ha_pids[$1]:-} status=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || status=$?
    [ "$status" = 0 ] || log "$1 exited with status $status: $(tail -3 "$work/$1.out")"
    unset "ha_pids[$1]"
}

checkpoint_of() { server_value $ha_tgt "SELECT binlog_file, binlog_position FROM _tablemirror.checkpoint WHERE target = '$1'" 2>/dev/null || true; }

# ha_catch_up NAME TARGET: starts NAME, waits until TARGET's checkpoint reaches the source's head, stops it;
# sets caught_seconds.
ha_catch_up() {
    local name=$1 target=$2 head_file head_pos file pos t0 cp
    read -r head_file head_pos <<<"$(server_value $ha_src "SHOW MASTER STATUS" | awk '{ print $1, $2 }')"
    t0=$(date +%s.%N)
    ha_start "$name"
    while :; do
        kill -0 "${ha_pids[$name]}" 2>/dev/null || { tail -20 "$work/$name.out" >&2; die "$name stopped"; }
        cp=$(checkpoint_of "$target")
        read -r file pos <<<"${cp:-x 0}"
        if [ "$file" != x ] && { [[ "$file" > "$head_file" ]] || { [ "$file" = "$head_file" ] && [ "$pos" -ge "$head_pos" ]; }; }; then break; fi
        awk -v a="$t0" -v b="$(date +%s.%N)" -v m="$ha_timeout" 'BEGIN { exit !(b - a > m) }' && die "$name did not catch up within $ha_timeout s"
        sleep 0.1
    done
    caught_seconds=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    ha_stop "$name"
}

ha_backlog() {
    awk -v n="$ha_transactions" -v rows="$ha_rows" 'BEGIN { srand(); for (i = 0; i < n; i++) printf "UPDATE bench.t SET v = v + 1, note = \"round %d\" WHERE id = %d;\n", i, 1 + int(rand() * rows) }' \
        >"$work/backlog.sql"
    mariadb --no-defaults --socket="$TM_SERVERS_DIR/$ha_src/mariadbd.sock" -uroot <"$work/backlog.sql"
}

holder() { server_value $ha_tgt "SELECT holder FROM _tablemirror.lease WHERE target = 'fenced'" 2>/dev/null || true; }
last_commit() { server_value $ha_tgt "SELECT UNIX_TIMESTAMP(updated_at) FROM _tablemirror.checkpoint WHERE target = 'fenced'"; }

# ha_takeover SIGNAL ROUND: stops the leader with SIGNAL and starts a fresh standby; sets takeover_seconds (the
# kill to the other daemon's first commit, on the target's clock).
ha_takeover() {
    local signal=$1 round=$2 leader other at
    leader=$(holder)
    [ -n "${ha_pids[$leader]:-}" ] || die "the lease holder '$leader' is not one of this run's daemons"
    for other in "${!ha_pids[@]}"; do [ "$other" != "$leader" ] && break; done
    at=$(target_now)
    kill "-$signal" "${ha_pids[$leader]}"
    wait "${ha_pids[$leader]}" 2>/dev/null || true
    unset "ha_pids[$leader]"
    local waited=0
    until [ "$(holder)" = "$other" ] && awk -v c="$(last_commit)" -v a="$at" 'BEGIN { exit !(c > a) }'; do
        sleep 0.05
        waited=$((waited + 1))
        [ "$waited" -lt 1200 ] || die "$other did not take over from $leader within 60 s"
    done
    takeover_seconds=$(awk -v c="$(last_commit)" -v a="$at" 'BEGIN { printf "%.2f", c - a }')
    log "  $signal $leader: $other committed after $takeover_seconds s"
    ha_config "s$round" fenced "s$round"
    ha_start "s$round"
}

bench_ha() {
    bench_two_servers ha_cleanup $ha_src $ha_src_port $ha_tgt $ha_tgt_port
    hsql $ha_src "CREATE DATABASE bench; CREATE TABLE bench.t (id INT PRIMARY KEY, v INT, note VARCHAR(40));
        INSERT INTO bench.t SELECT seq, 0, 'start' FROM bench.seq_1_to_$ha_rows"
    hsql $ha_tgt "CREATE DATABASE plain; CREATE DATABASE fenced"
    ha_config plain plain ""
    ha_config fenced fenced fenced
    # Initial copies, then both stopped at the same place.
    ha_catch_up plain plain
    ha_catch_up fenced fenced

    # ---- 1. the fence's cost
    local plain_s=() fenced_s=() round
    for round in $(seq 1 "$ha_rounds"); do
        log "round $round: backlog of $ha_transactions one-row transactions"
        ha_backlog
        if [ $((round % 2)) = 1 ]; then
            ha_catch_up plain plain; plain_s+=("$caught_seconds")
            ha_catch_up fenced fenced; fenced_s+=("$caught_seconds")
        else
            ha_catch_up fenced fenced; fenced_s+=("$caught_seconds")
            ha_catch_up plain plain; plain_s+=("$caught_seconds")
        fi
        log "  without ha ${plain_s[-1]} s, with ha ${fenced_s[-1]} s"
    done
    local plain_med fenced_med
    plain_med=$(median "${plain_s[@]}")
    fenced_med=$(median "${fenced_s[@]}")
    [ "$(server_value $ha_src "CHECKSUM TABLE bench.t" | awk '{ print $2 }')" = "$(server_value $ha_tgt "CHECKSUM TABLE fenced.t" | awk '{ print $2 }')" ] \
        || die "the fenced replica differs from the source"

    # ---- 2. takeovers under a trickle of writes
    log "takeovers: two daemons with the default lease, a transaction every 50 ms on the source"
    (while :; do server_value $ha_src "UPDATE bench.t SET v = v + 1 WHERE id = 1 + FLOOR(RAND() * $ha_rows)"; sleep 0.05; done) &
    ha_writer=$!
    ha_config a fenced a
    ha_config b fenced b
    ha_start a
    sleep 3
    ha_start b
    sleep 5
    local kills=() handovers=() i
    for i in $(seq 1 "$ha_kills"); do
        sleep 3
        ha_takeover KILL "$i"
        kills+=("$takeover_seconds")
    done
    for i in $(seq 1 "$ha_handovers"); do
        sleep 5
        ha_takeover TERM "h$i"
        handovers+=("$takeover_seconds")
    done
    kill "$ha_writer" 2>/dev/null; wait "$ha_writer" 2>/dev/null || true
    ha_writer=""
    local name
    for name in "${!ha_pids[@]}"; do ha_stop "$name"; done

    local section="$work/ha.md"
    {
        echo "## High availability (\`scripts/bench.sh ha\`)"
        echo
        echo "Produced by \`scripts/bench.sh ha\` on $(date -u '+%Y-%m-%d %H:%M') UTC, tablemirror built from $built_from; one source and one"
        echo "target server on loopback ($(mariadbd --version 2>/dev/null | awk '{ print $3 }')), $(nproc) cores."
        echo
        echo "**The fence's cost.** A backlog of $ha_transactions one-row \`UPDATE\` transactions caught up by a daemon without \`ha:\` and by one"
        echo "with it (the fence in every target transaction), each into a database of its own, $ha_rounds rounds alternating which goes first:"
        echo
        echo "| daemon | seconds per round | median s | ÷ without ha |"
        echo "| --- | --- | ---: | ---: |"
        echo "| without \`ha:\` | ${plain_s[*]} | $plain_med | 1.00× |"
        echo "| with \`ha:\` (fenced) | ${fenced_s[*]} | $fenced_med | $(ratio "$fenced_med" "$plain_med") |"
        echo
        echo "**Takeover** with the default lease (\`lease_seconds\` 8, \`renew_seconds\` 2, \`check_seconds\` 1), two daemons, a source"
        echo "transaction every 50 ms; seconds from stopping the leader to the other daemon's first commit (target clock):"
        echo
        echo "| leader stopped by | times | median s | range s |"
        echo "| --- | --- | ---: | ---: |"
        echo "| SIGKILL (the lease must expire) | ${kills[*]} | $(median "${kills[@]}") | $(range_of "${kills[@]}") |"
        echo "| SIGTERM (the lease handed over) | ${handovers[*]} | $(median "${handovers[@]}") | $(range_of "${handovers[@]}") |"
        echo
        echo "A killed leader's lease runs out up to \`lease_seconds\` after its last renewal (0–2 s before the kill), and a standby"
        echo "looks every \`check_seconds\`: a takeover is due 6–9 s after the kill, plus starting the pipeline."
    } >"$section"
    cat "$section"
    if [ "$write_results" = 1 ]; then write_section ha "$section"; fi
}
