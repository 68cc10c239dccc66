"""group_by.py: the GROUP BY benchmark's timing loop (bench/run.sh, step 4).

Alternates three ways of running the same GROUP BY, one run of each in turn,
so that all three meet the same machine: a shared VM's speed drifts by tens
of percent within a minute, and DuckDB runs a query 20-30% slower after idle
time than straight after the previous one.
  - theirs:  DuckDB in-process (bench/duckdb_inprocess.c in "serve" mode,
             its database kept open): the query and the fetch only;
  - warm:    a long-lived libathena client through athena-local
             (bench/athena_warm.c): start, poll, read every row;
  - process: one whole `athena query` process through athena-local.
Both serving helpers answer "ms=X ..." to each line they read. One warm-up
of each, then RUNS rounds. Prints "process_ms=X warm_ms=Y theirs_ms=Z": the
medians.

    usage: group_by.py RUNS -- DUCKDB_SERVE... -- WARM_SERVE... -- ATHENA_COMMAND...
"""
import statistics
import subprocess
import sys
import time


def split_commands(args):
    commands, current = [], None
    for arg in args:
        if arg == "--":
            current = []
            commands.append(current)
        elif current is None:
            raise SystemExit(__doc__)
        else:
            current.append(arg)
    if len(commands) != 3 or not all(commands):
        raise SystemExit(__doc__)
    return commands


class Server:
    """A helper that runs the query once per line it reads."""

    def __init__(self, command):
        self.command = command
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def run(self):
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer.startswith("ms="):
            raise SystemExit(f"{self.command[0]}: unexpected answer {answer!r}")
        return float(answer.split()[0][3:])

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def main():
    runs = int(sys.argv[1])
    duckdb, warm, athena = split_commands(sys.argv[2:])

    def whole_process():
        t0 = time.perf_counter()
        subprocess.run(athena, stdout=subprocess.DEVNULL, check=True)
        return (time.perf_counter() - t0) * 1e3

    theirs_server, warm_server = Server(duckdb), Server(warm)
    try:
        contenders = [whole_process, warm_server.run, theirs_server.run]
        for run in contenders:
            run()
        times = [[] for _ in contenders]
        for _ in range(runs):
            for run, taken in zip(contenders, times):
                taken.append(run())
    finally:
        theirs_server.close()
        warm_server.close()
    process, warm_ms, theirs = (statistics.median(t) for t in times)
    print(f"process_ms={process:.2f} warm_ms={warm_ms:.2f} theirs_ms={theirs:.2f}")


if __name__ == "__main__":
    main()
