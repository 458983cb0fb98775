# shellcheck shell=bash
# shellcheck disable=SC2154 # root, work, write_results: set by scripts/bench.sh
# `scripts/bench.sh guards`, sourced by scripts/bench.sh (uses its helpers: die, log, median, ratio,
# write_section, $work, $root).
#
# What the read-only triggers cost per row, and whether the exact-account test costs more than the test on the
# user name alone that it replaced: a 200,000-row INSERT … SELECT and an UPDATE of every row into one table
# with no triggers, with the three triggers testing the user name only (the earlier guard), and with the
# three testing the whole account (today's guard), on one server (127.0.0.1:33091), median of 5 runs each.

guards_server=tm-bench-guards
guards_port=${BENCH_GUARDS_PORT:-33091}
guards_rows=${BENCH_GUARDS_ROWS:-200000}

guards_sql() { bash "$root/scripts/mariadb-server.sh" sql "$guards_server" "$1"; }

# Seconds one statement takes on the server.
guards_time() {
    local start end
    start=$(date +%s.%N)
    guards_sql "$1" >/dev/null
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

# LABEL CONDITION: prints "insert-median update-median" for triggers refusing rows where CONDITION holds
# (no triggers when CONDITION is empty).
guards_measure() {
    local condition=$1 inserts=() updates=() run event
    for run in 1 2 3 4 5; do
        guards_sql "DROP DATABASE IF EXISTS guards; CREATE DATABASE guards; CREATE TABLE guards.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB"
        if [ -n "$condition" ]; then
            for event in INSERT UPDATE DELETE; do
                printf 'DELIMITER //\nCREATE TRIGGER guards.ro_%s BEFORE %s ON guards.t FOR EACH ROW IF %s THEN SIGNAL SQLSTATE %s SET MESSAGE_TEXT = %s; END IF//\n' \
                    "$event" "$event" "$condition" "'45000'" "'read-only'" | bash "$root/scripts/mariadb-server.sh" sql "$guards_server"
            done
        fi
        inserts+=("$(guards_time "INSERT INTO guards.t SELECT seq, CONCAT('v', seq) FROM guards.seq_1_to_$guards_rows")")
        updates+=("$(guards_time "UPDATE guards.t SET v = CONCAT(v, 'x')")")
    done
    echo "$(median "${inserts[@]}") $(median "${updates[@]}")"
}

bench_guards() {
    tm_ensure_build_deps
    trap 'bash "$root/scripts/mariadb-server.sh" stop $guards_server >/dev/null 2>&1 || true' EXIT
    bash scripts/mariadb-server.sh start $guards_server "$guards_port" >&2
    # The triggers let the measuring session (root over the socket, as `sql` connects) through: each row pays
    # for evaluating the test, which is what is measured.
    local account
    account=$(guards_sql "SELECT USER()" | tail -1)
    log "measuring ($guards_rows rows, 5 runs each)"
    local none name exact
    none=$(guards_measure "")
    name=$(guards_measure "SUBSTRING_INDEX(USER(), '@', 1) <> '${account%@*}'")
    exact=$(guards_measure "BINARY USER() <> BINARY '$account'")
    read -r none_insert none_update <<<"$none"
    read -r name_insert name_update <<<"$name"
    read -r exact_insert exact_update <<<"$exact"
    local section="$work/guards.md"
    {
        echo "## Read-only guard cost (\`scripts/bench.sh guards\`)"
        echo
        echo "$guards_rows-row \`INSERT … SELECT\` and \`UPDATE\` of every row into one InnoDB table, on one MariaDB"
        echo "$(mariadbd --version 2>/dev/null | awk '{ print $3 }') server on loopback, median of 5 runs; at commit $(git rev-parse --short HEAD 2>/dev/null), $(date -u +%Y-%m-%d)."
        echo
        echo "| triggers | INSERT s | UPDATE s | INSERT vs none | UPDATE vs none |"
        echo "|---|---|---|---|---|"
        echo "| none | $none_insert | $none_update | – | – |"
        echo "| user name only (earlier guard) | $name_insert | $name_update | $(ratio "$name_insert" "$none_insert") | $(ratio "$name_update" "$none_update") |"
        echo "| exact account (today's guard) | $exact_insert | $exact_update | $(ratio "$exact_insert" "$none_insert") | $(ratio "$exact_update" "$none_update") |"
    } >"$section"
    cat "$section"
    if [ "$write_results" = 1 ]; then write_section guards "$section"; fi
}
