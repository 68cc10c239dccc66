#!/usr/bin/env bash
# run.sh: athena-local's benchmarks, run by `make bench` (./bench/run.sh build).
#
# Measures four things, each against a baseline measured in the same run on
# the same machine, and prints numbers, not pass/fail:
#   1. cold start: exec of athena-local on a fresh data dir to its listening
#      line and to the first answered HTTP request (bench/first_request.c);
#   2. `athena query "SELECT 1"` as a whole process vs the same through the
#      AWS CLI (bench/aws_cli_query.sh), both against one athena-local;
#   3. GetQueryExecution requests per second at 32 connections (wrk replaying
#      one pre-signed request, bench/sign_request.py) vs moto_server;
#   4. a GROUP BY over 3M flights through athena-local, from a long-lived
#      libathena client (bench/athena_warm.c) and as a whole `athena query`
#      process, vs DuckDB in-process on the same Parquet
#      (bench/duckdb_inprocess.c).
# Progress goes to stderr; the markdown table to stdout and bench/out/results.md.
# hyperfine and wrk are installed with apt-get when missing (and possible);
# without wrk the throughput benchmark is skipped, without hyperfine a plain
# timing loop is used. Every process started here is stopped on exit.
#
# Then bench/fetch.sh (step 5): fetching a 3M-row result.
#
# Knobs (environment): BENCH_COLD_RUNS (20), BENCH_CLI_RUNS (20),
# BENCH_AWS_RUNS (20), BENCH_WRK_SECONDS (10), BENCH_GROUPBY_RUNS (15),
# BENCH_ONLY (the steps to run, e.g. 4 or 24; default all of them; only a
# full run rewrites bench/out/results.md).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$(pwd)/$build" ;; esac
bin="$build/bin"
duckdb_dir="$top/.deps/duckdb"
flights="$top/.deps/data/flights-3m.parquet"
out_dir="$top/bench/out"

cold_runs=${BENCH_COLD_RUNS:-20}
cli_runs=${BENCH_CLI_RUNS:-20}
aws_runs=${BENCH_AWS_RUNS:-20}
wrk_seconds=${BENCH_WRK_SECONDS:-10}
groupby_runs=${BENCH_GROUPBY_RUNS:-15}
only=${BENCH_ONLY:-all}
groupby_sql="SELECT origin, count(*), avg(delay), max(distance) FROM flights GROUP BY origin ORDER BY 2 DESC"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ "$only" =~ ^(all|[1-5]+)$ ]] || die "BENCH_ONLY must be digits from 1 to 5 (the steps to run), not '$only'"
wanted() { [ "$only" = all ] || [[ "$only" == *"$1"* ]]; }
for n in "$cold_runs" "$cli_runs" "$aws_runs" "$wrk_seconds" "$groupby_runs"; do
    [[ "$n" =~ ^[1-9][0-9]{0,2}$ ]] || die "BENCH_* counts must be whole numbers from 1 to 999, not '$n'"
done
for f in "$bin/athena-local" "$bin/athena"; do
    [ -x "$f" ] || die "$f not found: build first (make build, or cmake --build $build)"
done
[ -f "$flights" ] && [ -f "$duckdb_dir/include/duckdb.h" ] || die "missing .deps: run scripts/setup.sh"
command -v python3 >/dev/null || die "python3 is required"

work=$(mktemp -d "${TMPDIR:-/tmp}/athena-bench.XXXXXX")
started_pids=() # servers, stopped at exit
waited_group="" # the process group run_waited is waiting for
cleanup() {
    [ -n "$waited_group" ] && kill -- -"$waited_group" 2>/dev/null
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${started_pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ----

# Installs a Debian package when its command is missing; fails quietly
# (with a message) when apt-get is unavailable or we may not use it.
ensure_tool() {
    local tool=$1
    command -v "$tool" >/dev/null && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null && sudo -n true 2>/dev/null && sudo="sudo -n"
        [ -n "$sudo" ] || { say "$tool missing and not root: cannot apt-get install it"; return 1; }
    fi
    command -v apt-get >/dev/null || { say "$tool missing and apt-get unavailable"; return 1; }
    say "installing $tool with apt-get"
    local log="$work/apt-$tool.log"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have no package lists yet: update once and retry.
    $sudo apt-get install -y -q --no-install-recommends "$tool" >"$log" 2>&1 ||
        { $sudo apt-get update -q >>"$log" 2>&1 &&
            $sudo apt-get install -y -q --no-install-recommends "$tool" >>"$log" 2>&1; } ||
        { say "apt-get install $tool failed:"; tail -5 "$log" >&2; return 1; }
    command -v "$tool" >/dev/null
}

build_helpers() {
    local cflags=(-O2 -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes)
    mkdir -p "$work/bin"
    cc "${cflags[@]}" -o "$work/bin/first_request" "$top/bench/first_request.c" &&
        cc "${cflags[@]}" -isystem "$duckdb_dir/include" -o "$work/bin/duckdb_inprocess" \
            "$top/bench/duckdb_inprocess.c" -L"$duckdb_dir/lib" -lduckdb \
            -Wl,-rpath,"$duckdb_dir/lib" &&
        cc "${cflags[@]}" -I"$top/include" -o "$work/bin/athena_warm" "$top/bench/athena_warm.c" \
            -L"$build/lib" -lathena -Wl,-rpath,"$build/lib"
}

# Runs a command in a process group of its own and waits for it. Ctrl-C
# then runs this script's trap at once (which stops that group): run in the
# foreground, a child that handles SIGINT itself (hyperfine, the AWS CLI)
# would exit normally and bash would carry on with the next benchmark.
run_waited() {
    setsid "$@" &
    waited_group=$!
    wait "$waited_group"
    local rc=$?
    waited_group=""
    return $rc
}

# Sets median to the median wall time in ms of RUNS runs of a command (after
# WARMUP runs), with hyperfine when present (no shell in between), else a
# Python loop.
median_ms() {
    local runs=$1 warmup=$2 log="$work/timing.log" result="$work/median"
    shift 2
    median=""
    if command -v hyperfine >/dev/null; then
        local cmd json="$work/hyperfine.json"
        cmd=$(printf '%q ' "$@")
        run_waited hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
            --export-json "$json" "$cmd" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
        python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1e3))' \
            "$json" >"$result"
    else
        run_waited python3 -c '
import statistics, subprocess, sys, time
runs, warmup, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
times = []
for i in range(warmup + runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    if i >= warmup:
        times.append((time.perf_counter() - t0) * 1e3)
print("%.2f" % statistics.median(times))' "$runs" "$warmup" "$@" >"$result" 2>"$log" ||
            { cat "$log" >&2; return 1; }
    fi
    median=$(<"$result")
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {
    local port=$1 pid=$2
    for _ in $(seq 1 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# ---- the results table ----

rows=()
# add_row NAME OURS BASELINE RATIO TARGET MET
add_row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
skip_row() { add_row "$1" "skipped: $2" "" "" "$3" ""; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = b > 0 ? a / b : -1
    printf (r < 0 ? "n/a" : r < 0.1 ? "%.4f×" : "%.2f×"), r }'; }
yes_no() { awk "BEGIN { print ($1) ? \"yes\" : \"no\" }"; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"${1%.*}"; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# ---- athena-local for benchmarks 2-4 ----

export ATHENA_LOCAL_ACCESS_KEY_ID="AKIDBENCH$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
export ATHENA_LOCAL_SECRET_ACCESS_KEY="$(od -An -N30 -tx1 /dev/urandom | tr -d ' \n')"
export AWS_ACCESS_KEY_ID=$ATHENA_LOCAL_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY=$ATHENA_LOCAL_SECRET_ACCESS_KEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
results_uri="s3://bench-results/"

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

start_athena_local() {
    start_flights_server bench-results
    started_pids+=("$athena_local_pid")
}

# ---- 1. cold start ----

bench_cold_start() {
    say "1/4 cold start: $cold_runs fresh starts of athena-local"
    local r
    run_waited env TMPDIR="$work" "$work/bin/first_request" "$bin/athena-local" "$cold_runs" \
        >"$work/cold.txt" ||
        { skip_row "Cold start to first answered request" "first_request failed" "< 100 ms"; return; }
    r=$(<"$work/cold.txt")
    local listening first status
    listening=$(field listening_ms "$r")
    first=$(field first_response_ms "$r")
    status=$(field status "$r")
    add_row "Cold start: exec → listening line (median of $cold_runs)" "$listening ms" "" "" "" ""
    add_row "Cold start: exec → first answered request (HTTP $status, median of $cold_runs)" \
        "$first ms" "" "" "< 100 ms" "$(yes_no "$first < 100")"
}

# ---- 2. SELECT 1 through our CLI vs the AWS CLI ----

bench_select_one() {
    say "2/4 SELECT 1: athena ($cli_runs runs) vs aws athena ($aws_runs runs)"
    local name="\`athena query \"SELECT 1\"\`, whole process"
    local ours theirs aws_version
    median_ms "$cli_runs" 3 "$bin/athena" --output-location "$results_uri" --output csv \
        query "SELECT 1" || { skip_row "$name" "athena query failed" "≤ 20 ms"; return; }
    ours=$median
    if ! command -v aws >/dev/null; then
        add_row "$name (median of $cli_runs)" "$ours ms" "skipped: no aws on PATH" "" "≤ 20 ms" \
            "$(yes_no "$ours <= 20")"
        return
    fi
    aws_version=$(aws --version 2>&1 | cut -d' ' -f1)
    BENCH_OUTPUT_LOCATION="$results_uri" median_ms "$aws_runs" 1 \
        bash "$top/bench/aws_cli_query.sh"
    theirs=$median
    if [ -z "$theirs" ]; then
        add_row "$name (median of $cli_runs)" "$ours ms" "skipped: aws script failed" "" \
            "≤ 20 ms" "$(yes_no "$ours <= 20")"
        return
    fi
    add_row "$name (median of $cli_runs) vs $aws_version start + poll + results script" \
        "$ours ms" "$theirs ms" "$(ratio "$ours" "$theirs")" "≤ 20 ms" "$(yes_no "$ours <= 20")"
}

# ---- 3. GetQueryExecution throughput vs moto ----

# Sets rps to wrk's requests per second against URL replaying LUA; fails
# when any response was not 2xx/3xx.
wrk_rps() {
    local target=$1 lua=$2 log="$work/wrk.log"
    rps=""
    run_waited wrk -t2 -c32 -d"${wrk_seconds}s" -s "$lua" "$target/" >"$log" 2>&1 ||
        { cat "$log" >&2; return 1; }
    if grep -q "Non-2xx\|Socket errors" "$log"; then
        say "wrk against $target saw errors:"
        cat "$log" >&2
        grep -q "Non-2xx" "$log" && return 1
    fi
    rps=$(sed -n 's/^Requests\/sec: *//p' "$log")
    [ -n "$rps" ]
}

start_moto() {
    local port
    port=$(free_port) || return 1
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
    local pid=$!
    started_pids+=($pid)
    wait_for_port "$port" "$pid" || { cat "$work/moto.log" >&2; return 1; }
    moto_url="http://127.0.0.1:$port"
}

bench_throughput() {
    local name="GetQueryExecution req/s, 32 connections, ${wrk_seconds} s"
    local target="≥ 20,000 req/s and ≥ 50×"
    say "3/4 GetQueryExecution throughput: wrk ${wrk_seconds}s on athena-local, then on moto"
    ensure_tool wrk || { skip_row "$name" "wrk unavailable" "$target"; return; }
    run_waited python3 "$top/bench/sign_request.py" "$url" "$work/athena-local.lua" ||
        { skip_row "$name" "cannot sign a request" "$target"; return; }
    local ours theirs
    wrk_rps "$url" "$work/athena-local.lua" || { skip_row "$name" "wrk failed" "$target"; return; }
    ours=$rps
    if ! python3 -c 'import moto.server' 2>/dev/null || ! start_moto ||
        ! run_waited python3 "$top/bench/sign_request.py" "$moto_url" "$work/moto.lua" ||
        ! wrk_rps "$moto_url" "$work/moto.lua"; then
        add_row "$name" "$(thousands "$ours")" "skipped: moto_server failed" "" "$target" \
            "$(yes_no "$ours >= 20000")"
        return
    fi
    theirs=$rps
    add_row "$name vs moto_server" "$(thousands "$ours")" "$(thousands "$theirs")" \
        "$(ratio "$ours" "$theirs")" "$target" \
        "$(yes_no "$ours >= 20000 && $ours >= 50 * $theirs")"
}

# ---- 4. GROUP BY through athena-local vs DuckDB in-process ----

bench_group_by() {
    local name="GROUP BY over 3M flights through athena-local"
    local threads
    threads=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    [ "$threads" -gt 64 ] && threads=64 # athena-local's engine caps its threads at 64 too
    say "4/4 GROUP BY: athena-local (warm client, whole process) vs DuckDB in-process ($threads threads), $groupby_runs rounds"
    # Alternated one by one (bench/group_by.py): all three meet the same
    # machine and the same idle time between queries.
    local r process warm theirs hot
    r=$(run_waited python3 "$top/bench/group_by.py" "$groupby_runs" \
        -- "$work/bin/duckdb_inprocess" "$flights" "$threads" serve \
        -- "$work/bin/athena_warm" demo "$results_uri" "$groupby_sql" \
        -- "$bin/athena" --output-location "$results_uri" --output csv --database demo \
        query "$groupby_sql") ||
        { skip_row "$name" "athena_warm, athena query or duckdb_inprocess failed" "≤ 1.2×"; return; }
    process=$(field process_ms "$r")
    warm=$(field warm_ms "$r")
    theirs=$(field theirs_ms "$r")
    add_row "$name, a long-lived libathena client: start, poll, read every row (median of $groupby_runs) vs DuckDB in-process, $threads threads, runs alternated" \
        "$warm ms" "$theirs ms" "$(ratio "$warm" "$theirs")" "≤ 1.2×" \
        "$(yes_no "$warm <= 1.2 * $theirs")"
    add_row "the same, one whole \`athena query\` process each (median of $groupby_runs)" \
        "$process ms" "$theirs ms" "$(ratio "$process" "$theirs")" "" ""
    # The CLI's runs as the service measured them (TotalExecutionTimeInMillis:
    # queue + engine + writing the result), without client or polling.
    local server
    server=$("$bin/athena" --output csv --max-rows "$groupby_runs" history |
        awk -F, 'NR > 1 && $6 == "DML" { print $5 }' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
    [ -n "$server" ] &&
        add_row "the same, athena-local's TotalExecutionTimeInMillis (median of $groupby_runs)" \
            "$server ms" "$theirs ms" "$(ratio "$server" "$theirs")" "" ""
    # For reference: DuckDB hot, back to back.
    run_waited "$work/bin/duckdb_inprocess" "$flights" "$threads" "$groupby_runs" \
        >"$work/duckdb_hot.txt" &&
        hot=$(field median_ms "$(<"$work/duckdb_hot.txt")") &&
        add_row "the same, DuckDB in-process hot (back to back, for reference)" \
            "" "$hot ms" "" "" ""
}

# ---- main ----

write_table() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
    echo "# athena-local benchmarks"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(getconf _NPROCESSORS_ONLN) CPUs${cpu:+ ($cpu)}," \
        "build $(basename "$build"), 1-min load average $load_before before and" \
        "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null) after (other work on the machine skews the" \
        "numbers). Ratios are ours ÷ baseline, both measured in this run."
    echo
    echo "| benchmark | ours | baseline | ratio | target | met? |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
}

started=$(date +%s)
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
ensure_tool hyperfine || say "hyperfine unavailable: timing with a Python loop instead"
say "building the helpers"
build_helpers || die "cannot build the helpers in bench/ (first_request.c, duckdb_inprocess.c, athena_warm.c)"
wanted 1 && bench_cold_start
if wanted 2 || wanted 3 || wanted 4; then
    start_athena_local
    say "athena-local on $url; creating demo.flights"
    create_flights_table || die "cannot create demo.flights"
fi
wanted 2 && bench_select_one
wanted 3 && bench_throughput
wanted 4 && bench_group_by
say "done in $(($(date +%s) - started)) s"

if [ "$only" = all ]; then
    mkdir -p "$out_dir"
    write_table | tee "$out_dir/results.md"
else
    write_table # a partial run leaves the recorded table alone
fi

# Fetching a 3M-row result (bench/fetch.sh: its own athena-local, its own table).
if wanted 5; then
    echo
    "$top/bench/fetch.sh" "$build" || say "bench/fetch.sh failed"
fi
