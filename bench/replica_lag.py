"""How long a commit on the primary takes to be readable on the streaming replica.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/retail_bench \\
    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/retail_bench \\
        .venv/bin/python bench/replica_lag.py [commits]

Creates (and drops) a table of its own in DATABASE_URL's database, commits one row at a
time and polls the replica until it reads the row; prints the median, p95 and max.
"""

import os
import statistics
import sys
import time

import psycopg

FOUND = "SELECT 1 FROM bench_replica_lag WHERE n = %s"


def main(commits: int = 200) -> None:
    primary = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    replica = psycopg.connect(os.environ["DATABASE_REPLICA_URL"], autocommit=True)
    primary.execute("DROP TABLE IF EXISTS bench_replica_lag")
    primary.execute("CREATE TABLE bench_replica_lag (n int PRIMARY KEY)")
    try:
        deadline = time.monotonic() + 30
        while True:  # the table itself has to arrive first
            try:
                replica.execute("SELECT 1 FROM bench_replica_lag LIMIT 1")
                break
            except psycopg.errors.UndefinedTable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        lags = []
        for n in range(commits):
            primary.execute("INSERT INTO bench_replica_lag VALUES (%s)", [n])
            start = time.perf_counter()
            while not replica.execute(FOUND, [n]).fetchone():
                pass
            lags.append((time.perf_counter() - start) * 1000)
    finally:
        primary.execute("DROP TABLE IF EXISTS bench_replica_lag")
    lags.sort()
    print(
        f"{commits} commits: replica lag median {statistics.median(lags):.2f} ms, "
        f"p95 {lags[int(len(lags) * 0.95) - 1]:.2f} ms, max {lags[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
