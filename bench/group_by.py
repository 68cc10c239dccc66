"""group_by.py: the GROUP BY benchmark's timing loop (bench/run.sh, step 4).

Alternates one `athena query` process through athena-local with one run of
the same query in DuckDB in-process (bench/duckdb_inprocess.c in "serve"
mode, its database kept open), so that both meet the same machine: a shared
VM's speed drifts by tens of percent within a minute, and DuckDB runs a
query 20-30% slower after idle time than straight after the previous one.
One warm-up of each, then RUNS pairs. Prints "ours_ms=X theirs_ms=Y": the
medians.

    usage: group_by.py RUNS DUCKDB_INPROCESS PARQUET THREADS -- ATHENA_COMMAND...
"""
import statistics
import subprocess
import sys
import time


def main():
    runs, duckdb, parquet, threads = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    athena = sys.argv[sys.argv.index("--") + 1:]
    baseline = subprocess.Popen([duckdb, parquet, threads, "serve"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)

    def in_process():
        baseline.stdin.write("run\n")
        baseline.stdin.flush()
        answer = baseline.stdout.readline()
        if not answer.startswith("ms="):
            raise SystemExit(f"duckdb_inprocess: unexpected answer {answer!r}")
        return float(answer.split()[0][3:])

    def through_athena_local():
        t0 = time.perf_counter()
        subprocess.run(athena, stdout=subprocess.DEVNULL, check=True)
        return (time.perf_counter() - t0) * 1e3

    try:
        through_athena_local()
        in_process()
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(through_athena_local())
            theirs.append(in_process())
    finally:
        baseline.stdin.close()
        baseline.wait()
    print(f"ours_ms={statistics.median(ours):.2f} theirs_ms={statistics.median(theirs):.2f}")


if __name__ == "__main__":
    main()
