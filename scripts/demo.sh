#!/usr/bin/env bash
# The demo: installs what is missing, builds tablemirror, starts a local MariaDB source with a sample
# product database, makes changes there, and shows them decoded from the live binlog.
# (The replication daemon, `tablemirror run`, is not built yet; this demo grows with it.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/deps.sh
tm_ensure_build_deps

export TM_SERVERS_DIR=${TM_SERVERS_DIR:-/tmp/tablemirror-demo}
export TM_TEST_PASSWORD=${TM_TEST_PASSWORD:-tm-demo-pw}
port=${TM_DEMO_SOURCE_PORT:-33306}

swift build -c release --product tablemirror
bin="$(swift build -c release --show-bin-path)/tablemirror"

bash scripts/mariadb-server.sh start demo-product "$port" --binlog-row-metadata=FULL
sql() { bash scripts/mariadb-server.sh sql demo-product "$1"; }
sql "CREATE DATABASE product;
     CREATE TABLE product.categories (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
     CREATE TABLE product.items (id BIGINT UNSIGNED PRIMARY KEY, category_id INT, name VARCHAR(200) CHARSET utf8mb4,
                                 price DECIMAL(12,2), created DATETIME(6), attributes JSON);"
start=$(sql "SHOW MASTER STATUS" | awk 'NR==2 {print $1":"$2}')
sql "INSERT INTO product.categories VALUES (1, 'Tools'), (2, 'Garden');
     INSERT INTO product.items VALUES (1, 1, 'Hammer 🔨', 19.90, NOW(6), '{\"weight_g\": 650}'),
                                      (2, 2, 'Rake', 24.50, NOW(6), NULL);
     UPDATE product.items SET price = price * 0.9 WHERE category_id = 1;
     DELETE FROM product.items WHERE id = 2;"

echo
echo "== Changes decoded from the live binlog since ${start} (tablemirror decode --json) =="
TM_SOURCE_PASSWORD=$TM_TEST_PASSWORD "$bin" decode --host 127.0.0.1 --port "$port" --user tm \
    --start-file "${start%%:*}" --start-pos "${start##*:}" --stop-at-end --json
echo
echo "The source keeps running on 127.0.0.1:$port (user tm, password in TM_TEST_PASSWORD)."
echo "Stop it with: TM_SERVERS_DIR=$TM_SERVERS_DIR bash scripts/mariadb-server.sh stop demo-product"
