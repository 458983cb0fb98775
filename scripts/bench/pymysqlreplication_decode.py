#!/usr/bin/env python3
"""Decodes a MariaDB server's binlog with python-mysql-replication, for scripts/bench.sh.

Streams from --log-file at position 4 to the end of the binlog (non-blocking), decodes every row of
every Write/Update/Delete rows event and reads every value, so the library's decoding really runs.
Prints one line: "<row changes> <events> <seconds> <complete|prefix>" on stdout. With --max-seconds
it stops after that long and reports the prefix it decoded ("prefix").
"""
import argparse
import os
import sys
import time

from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="tm")
    parser.add_argument("--password-env", default="TM_SOURCE_PASSWORD")
    parser.add_argument("--server-id", type=int, default=4299)
    parser.add_argument("--log-file", required=True)
    parser.add_argument("--max-seconds", type=float, default=0.0)
    args = parser.parse_args()

    settings = {
        "host": args.host,
        "port": args.port,
        "user": args.user,
        "password": os.environ.get(args.password_env, ""),
    }
    stream = BinLogStreamReader(
        connection_settings=settings,
        server_id=args.server_id,
        blocking=False,
        resume_stream=True,
        log_file=args.log_file,
        log_pos=4,
        # is_mariadb=True would switch to MariaDB's GTID-based dump, which ignores log_file; the
        # classic COM_BINLOG_DUMP from a file and position works against MariaDB as is.
        is_mariadb=False,
        only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent],
    )
    started = time.monotonic()
    rows = 0
    events = 0
    touched = 0
    complete = True
    try:
        for event in stream:
            events += 1
            if isinstance(event, UpdateRowsEvent):
                for row in event.rows:
                    rows += 1
                    for value in row["before_values"].values():
                        touched += value is not None
                    for value in row["after_values"].values():
                        touched += value is not None
            else:
                for row in event.rows:
                    rows += 1
                    for value in row["values"].values():
                        touched += value is not None
            if args.max_seconds and time.monotonic() - started > args.max_seconds:
                complete = False
                break
    finally:
        stream.close()
    elapsed = time.monotonic() - started
    print(f"{rows} {events} {elapsed:.3f} {'complete' if complete else 'prefix'}")
    print(f"pymysqlreplication: {rows} row changes in {events} events, {touched} non-null values, "
          f"{elapsed:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
