#!/usr/bin/env python3
"""Replication lag probe for `scripts/bench.sh apply`.

A writer thread updates bench.heartbeat (id 1) on the source every --interval seconds with
UTC_TIMESTAMP(6); one poller thread per replica reads the row every --poll seconds and, the first time
it sees a heartbeat value, records lag = (time it was seen) - (the value). Source, replicas and this
process share one machine, hence one clock. Prints one line per replica:

    NAME samples p50_ms p99_ms max_ms behind_at_end_ms

behind_at_end_ms: how far the replica's heartbeat was behind the last one written, --drain seconds
after the writer stopped (0 when it had caught up).
"""
import argparse
import datetime
import os
import threading
import time

import pymysql


def connect(port, password):
    return pymysql.connect(host="127.0.0.1", port=port, user="tm", password=password,
                           autocommit=True, connect_timeout=10)


def epoch(ts):
    return ts.replace(tzinfo=datetime.timezone.utc).timestamp()


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-port", type=int, required=True)
    ap.add_argument("--replica", action="append", required=True, help="NAME:PORT")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("--poll", type=float, default=0.02)
    ap.add_argument("--drain", type=float, default=10)
    args = ap.parse_args()
    password = os.environ.get("TM_TEST_PASSWORD", "tm-test-pw")

    stop_polling = threading.Event()
    last_written = [None]
    results = {}

    def writer():
        conn = connect(args.source_port, password)
        cur = conn.cursor()
        deadline = time.monotonic() + args.seconds
        nxt = time.monotonic()
        while time.monotonic() < deadline:
            cur.execute("UPDATE bench.heartbeat SET ts = UTC_TIMESTAMP(6) WHERE id = 1")
            cur.execute("SELECT ts FROM bench.heartbeat WHERE id = 1")
            last_written[0] = epoch(cur.fetchone()[0])
            nxt += args.interval
            time.sleep(max(0.0, nxt - time.monotonic()))
        conn.close()

    def poller(name, port):
        conn = connect(port, password)
        cur = conn.cursor()
        lags, last = [], None
        while not stop_polling.is_set():
            cur.execute("SELECT ts FROM bench.heartbeat WHERE id = 1")
            row = cur.fetchone()
            now = time.time()
            if row and row[0] is not None:
                ts = epoch(row[0])
                if last is None:
                    last = ts  # the value before the writer started: not a sample
                elif ts > last:
                    last = ts
                    lags.append(now - ts)
            time.sleep(args.poll)
        conn.close()
        results[name] = (lags, last)

    pollers = []
    for spec in args.replica:
        name, port = spec.rsplit(":", 1)
        t = threading.Thread(target=poller, args=(name, int(port)), daemon=True)
        t.start()
        pollers.append((name, t))
    time.sleep(0.5)
    w = threading.Thread(target=writer)
    w.start()
    w.join()
    time.sleep(args.drain)
    stop_polling.set()
    for _, t in pollers:
        t.join()
    for name, _ in pollers:
        lags, last = results[name]
        behind = 0.0
        if last_written[0] is not None and (last is None or last < last_written[0]):
            behind = last_written[0] - (last or 0)
        print("%s %d %.1f %.1f %.1f %.1f" % (name, len(lags), percentile(lags, 50) * 1000,
                                             percentile(lags, 99) * 1000, max(lags or [float("nan")]) * 1000,
                                             behind * 1000))


if __name__ == "__main__":
    main()
