#!/usr/bin/env bash
# The demo: installs what is missing, builds tablemirror, starts a local MariaDB source with a sample product
# database and a local target server with `orders` and `purchasing` databases, runs the replicator with a demo
# config, makes changes on the source and shows that they arrived (and the changes decoded from the binlog).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/deps.sh
tm_ensure_build_deps

export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-demo}
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-demo-pw}
source_port=${TM_DEMO_SOURCE_PORT:-33306}
target_port=${TM_DEMO_TARGET_PORT:-33307}

swift build -c release --product tablemirror
bin="$(swift build -c release --show-bin-path)/tablemirror"

bash scripts/mariadb-server.sh start demo-product "$source_port" --binlog-row-metadata=FULL
bash scripts/mariadb-server.sh start demo-services "$target_port"
source_sql() { bash scripts/mariadb-server.sh sql demo-product "$1"; }
target_sql() { bash scripts/mariadb-server.sh sql demo-services "$1"; }

source_sql "CREATE DATABASE product;
     CREATE TABLE product.categories (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
     CREATE TABLE product.items (id BIGINT UNSIGNED PRIMARY KEY, category_id INT, name VARCHAR(200) CHARSET utf8mb4,
                                 price DECIMAL(12,2), created DATETIME(6), attributes JSON);
     CREATE TABLE product.batch_2026 (id INT PRIMARY KEY, item_id BIGINT UNSIGNED, qty INT);
     CREATE TABLE product.secrets (id INT PRIMARY KEY, note TEXT);
     INSERT INTO product.categories VALUES (1, 'Tools'), (2, 'Garden');
     INSERT INTO product.items VALUES (1, 1, 'Hammer 🔨', 19.90, NOW(6), '{\"weight_g\": 650}'),
                                      (2, 2, 'Rake', 24.50, NOW(6), NULL);
     INSERT INTO product.secrets VALUES (1, 'never replicated')"
target_sql "CREATE DATABASE orders; CREATE DATABASE purchasing"

config="$TM_SERVERS_DIR/demo.yaml"
cat > "$config" <<YAML
source: { host: 127.0.0.1, port: $source_port, user: tm, password_env: TM_TEST_PASSWORD, server_id: 4242 }
targets:
  orders:     { host: 127.0.0.1, port: $target_port, user: tm, password_env: TM_TEST_PASSWORD, database: orders }
  purchasing: { host: 127.0.0.1, port: $target_port, user: tm, password_env: TM_TEST_PASSWORD, database: purchasing }
mappings:
  - { source: product.items,        targets: [orders, purchasing] }
  - { source: product.categories,   targets: [orders] }
  - { source: "product.batch_*",    targets: [purchasing] }
YAML
echo
echo "== tablemirror check-config $config =="
"$bin" check-config "$config"

start=$(source_sql "SHOW MASTER STATUS" | awk 'NR==2 {print $1":"$2}')
"$bin" run --config "$config" > "$TM_SERVERS_DIR/daemon.log" 2>&1 &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true' EXIT
sleep 3
source_sql "INSERT INTO product.items VALUES (3, 1, 'Saw', 31.00, NOW(6), '{\"teeth\": 24}');
     UPDATE product.items SET price = price * 0.9 WHERE category_id = 1;
     DELETE FROM product.items WHERE id = 2;
     INSERT INTO product.batch_2026 VALUES (1, 3, 40);"
sleep 2
echo
echo "== Schema changes on the source: a column added to items, a batch table created LIKE another =="
source_sql "ALTER TABLE product.items ADD COLUMN stock INT NOT NULL DEFAULT 0 AFTER price;
     UPDATE product.items SET stock = 7 WHERE id = 3;
     CREATE TABLE product.batch_2027 LIKE product.batch_2026;
     INSERT INTO product.batch_2027 VALUES (1, 1, 5);"
sleep 2

echo
echo "== On the source (product) =="
source_sql "SELECT id, name, price, stock FROM product.items ORDER BY id"
echo
echo "== Replicated into orders (items, categories) and purchasing (items, batch_*) =="
target_sql "SELECT 'orders' AS db, id, name, price, stock FROM orders.items UNION ALL SELECT 'purchasing', id, name, price, stock FROM purchasing.items ORDER BY db, id;
            SELECT * FROM orders.categories; SELECT * FROM purchasing.batch_2026; SELECT * FROM purchasing.batch_2027;
            SELECT target, binlog_file, binlog_position, gtid FROM _tablemirror.checkpoint"
echo
echo "== tablemirror status --config $config =="
"$bin" status --config "$config" || true
echo
echo "== tablemirror verify --config $config (chunked checksums, source against every replica) =="
"$bin" verify --config "$config" || true
echo
echo "== Changes decoded from the live binlog since ${start} (tablemirror decode --json) =="
TM_SOURCE_PASSWORD=$TM_TEST_PASSWORD "$bin" decode --host 127.0.0.1 --port "$source_port" --user tm \
    --start-file "${start%%:*}" --start-pos "${start##*:}" --stop-at-end --json

kill -TERM $daemon && wait $daemon || true
trap - EXIT
echo
echo "The daemon stopped cleanly (log: $TM_SERVERS_DIR/daemon.log). The servers keep running on 127.0.0.1:$source_port"
echo "(product) and 127.0.0.1:$target_port (orders, purchasing), user tm, password in TM_TEST_PASSWORD. Stop them with:"
echo "  TM_SERVERS_DIR=$TM_SERVERS_DIR bash scripts/mariadb-server.sh stop-all"
