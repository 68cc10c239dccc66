#!/usr/bin/env bash
# fetch.sh: how fast a big result comes back. Runs `SELECT * FROM flights`
# (3M rows, ~148 MB of result CSV) once on athena-local, then fetches the
# finished result to a CSV file five ways and reports wall time and peak RSS
# (GNU time) of each, with ratios against the S3 path:
#   1. athena results ID --output csv --results-via s3   (the fast path:
#      parallel ranged GETs of the result file, converted to the CLI's CSV)
#   2. athena results ID --output csv --results-via getqueryresults
#   3. boto3's GetQueryResults paginator + csv module (bench/fetch_boto3.py)
#   4. boto3 get_object of the result file + csv module (bench/fetch_boto3.py)
#   5. curl of the result file, signed with --aws-sigv4 (bytes only, no parse)
# Targets: 1 is at least 50x faster than 3, at most 2x slower than 5, and
# stays under 32 MiB peak RSS.
#
#   ./bench/fetch.sh [BUILD_DIR]      (default: build)
#
# Knobs (environment): BENCH_FETCH_RUNS (5: runs of 1 and 5, alternated so
# both meet the same machine, median kept),
# BENCH_FETCH_SLOW (1: also run 2 and 3, which take minutes; 0 skips them).
# Progress goes to stderr; the markdown table to stdout and
# bench/out/fetch.md. Every process started here is stopped on exit.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$(pwd)/$build" ;; esac
bin="$build/bin"
flights="$top/.deps/data/flights-3m.parquet"
out_dir="$top/bench/out"
runs=${BENCH_FETCH_RUNS:-5}
slow=${BENCH_FETCH_SLOW:-1}

say() { printf 'fetch: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ "$runs" =~ ^[1-9][0-9]?$ ]] || die "BENCH_FETCH_RUNS must be 1 to 99, not '$runs'"
for f in "$bin/athena-local" "$bin/athena"; do
    [ -x "$f" ] || die "$f not found: build first (make build, or cmake --build $build)"
done
[ -f "$flights" ] || die "missing $flights: run scripts/setup.sh"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is required: apt-get install time"
command -v curl >/dev/null || die "curl is required"
python3 -c 'import boto3' 2>/dev/null || die "python3 with boto3 is required"

work=$(mktemp -d "${TMPDIR:-/tmp}/athena-fetch.XXXXXX")
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- athena-local with the flights table ----

export ATHENA_LOCAL_ACCESS_KEY_ID="AKIDFETCH$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
export ATHENA_LOCAL_SECRET_ACCESS_KEY="$(od -An -N30 -tx1 /dev/urandom | tr -d ' \n')"
export AWS_ACCESS_KEY_ID=$ATHENA_LOCAL_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY=$ATHENA_LOCAL_SECRET_ACCESS_KEY
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_CONFIG_FILE="$work/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-aws-credentials"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
results_uri="s3://fetch-results/"

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

start_server() {
    start_flights_server fetch-results
    server_pid=$athena_local_pid
}

run_query() {
    create_flights_table || return 1
    # --max-rows 0: run the query, print nothing; the id is in the history.
    athena_cli --database demo --max-rows 0 query "SELECT * FROM flights" >/dev/null || return 1
    query_id=$("$bin/athena" --output csv --max-rows 1 history | sed -n '2s/,.*//p')
    [ -n "$query_id" ] && result_key="$query_id.csv" &&
        [ -f "$work/data/s3/fetch-results/$result_key" ]
}

# ---- measuring ----

# measure NAME OUTPUT_FILE COMMAND...: one run; sets secs and kb (peak RSS).
measure() {
    local name=$1 output=$2
    shift 2
    rm -f "$output"
    if ! /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$name.stdout" \
        2>"$work/$name.stderr"; then
        say "$name failed:"
        tail -5 "$work/$name.stderr" >&2
        return 1
    fi
    read -r secs kb <"$work/time.txt"
}

# check_rows FILE: the CSV has the header and 3,000,000 rows.
check_rows() {
    local lines
    lines=$(wc -l <"$1")
    [ "$lines" = 3000001 ] || { say "$1 has $lines lines, expected 3000001"; return 1; }
}

rows=()
declare -A time_of rss_of
record() { time_of[$1]=$2; rss_of[$1]=$3; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.1f×" : "n/a"), a / b }'; }

# ---- main ----

started=$(date +%s)
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
start_server
say "athena-local on $url; running SELECT * FROM flights"
run_query || die "the flights query failed"
size=$(stat -c %s "$work/data/s3/fetch-results/$result_key")
say "query $query_id: $size bytes of result CSV"
out="$work/out.csv"

# The S3 path and curl alternate run by run, so that both meet the same
# machine (a shared VM's speed drifts within a minute).
say "1/5 athena via S3 and 5/5 curl of the object, alternated ($runs runs each)"
s3_cmd=("$bin/athena" --output csv --results-via s3 results "$query_id")
curl_cmd=(curl -sf -o "$out" --aws-sigv4 "aws:amz:$AWS_REGION:s3"
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD"
    "$url/fetch-results/$result_key")
s3_all=() curl_all=() s3_kb=0 curl_kb=0 pair_ok=1
for _ in $(seq 1 "$runs"); do
    measure s3 "$out" "${s3_cmd[@]}" && check_rows "$work/s3.stdout" || { pair_ok=0; break; }
    s3_all+=("$secs")
    [ "$kb" -gt "$s3_kb" ] && s3_kb=$kb
    measure curl "$out" "${curl_cmd[@]}" || { pair_ok=0; break; }
    curl_all+=("$secs")
    [ "$kb" -gt "$curl_kb" ] && curl_kb=$kb
done
median_of() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ "$pair_ok" = 1 ]; then
    record s3 "$(median_of "${s3_all[@]}")" "$s3_kb"
    record curl "$(median_of "${curl_all[@]}")" "$curl_kb"
fi

say "4/5 boto3 get_object + csv"
measure boto3_object "$out" python3 "$top/bench/fetch_boto3.py" get-object "$query_id" "$out" \
    && check_rows "$out" && record boto3_object "$secs" "$kb"

if [ "$slow" = 1 ]; then
    say "2/5 athena via GetQueryResults (minutes)"
    measure gqr "$out" "$bin/athena" --output csv --results-via getqueryresults \
        results "$query_id" && check_rows "$work/gqr.stdout" && record gqr "$secs" "$kb"
    say "3/5 boto3 GetQueryResults paginator (minutes)"
    measure paginator "$out" python3 "$top/bench/fetch_boto3.py" paginator "$query_id" "$out" \
        && check_rows "$out" && record paginator "$secs" "$kb"
fi

row() { # row KEY LABEL TARGET MET
    local key=$1
    if [ -z "${time_of[$key]:-}" ]; then
        rows+=("| $2 | skipped or failed | | | $3 | |")
        return
    fi
    local vs=""
    [ -n "${time_of[s3]:-}" ] && vs=$(ratio "${time_of[$key]}" "${time_of[s3]}")
    rows+=("| $2 | ${time_of[$key]} s | $(mib "${rss_of[$key]}") | $vs | $3 | $4 |")
}
met() { [ -n "${time_of[s3]:-}" ] && [ -n "${time_of[$1]:-}" ] &&
    awk "BEGIN { print ($2) ? \"yes\" : \"no\" }"; }

s3_met=""
[ -n "${time_of[s3]:-}" ] && s3_met=$(awk -v k="${rss_of[s3]}" 'BEGIN { print k < 32768 ? "yes" : "no" }')
row s3 "athena results --results-via s3 (median of $runs)" "< 32 MiB peak RSS" "$s3_met"
row gqr "athena results --results-via getqueryresults" "" ""
row paginator "boto3 GetQueryResults paginator + csv" "ours ≥ 50× faster" \
    "$(met paginator "${time_of[paginator]:-0} >= 50 * ${time_of[s3]:-0}")"
row boto3_object "boto3 get_object + csv module" "" ""
vs_curl=""
[ -n "${time_of[s3]:-}" ] && [ -n "${time_of[curl]:-}" ] &&
    vs_curl=" (ours: $(ratio "${time_of[s3]}" "${time_of[curl]}"))"
row curl "curl --aws-sigv4 of the object, bytes only (median of $runs)" \
    "ours ≤ 2× its time$vs_curl" "$(met curl "${time_of[s3]:-0} <= 2 * ${time_of[curl]:-0}")"

write_table() {
    echo "# Fetching a 3M-row result"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(getconf _NPROCESSORS_ONLN) CPUs, build" \
        "$(basename "$build"), athena-local on loopback. \`SELECT * FROM flights\`:" \
        "3,000,000 rows, $size bytes of result CSV, written to a CSV file each way." \
        "1-min load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after." \
        "\"× ours\" is that way's time ÷ the S3 path's."
    echo
    echo "| way | wall time | peak RSS | × ours | target | met? |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
}
say "done in $(($(date +%s) - started)) s"
mkdir -p "$out_dir"
write_table | tee "$out_dir/fetch.md"
