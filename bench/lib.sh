# lib.sh: what the benchmark scripts share (sourced by run.sh and fetch.sh):
# starting athena-local over the pinned flights data, and creating the
# demo.flights table. Callers define $work, $bin, $flights, $results_uri and
# die() first.

# start_flights_server BUCKET: lays out s3://demo/flights/ and an empty
# results bucket in $work/data, starts athena-local on a free port, and sets
# athena_local_pid and url (also exported as AWS_ENDPOINT_URL).
start_flights_server() {
    local data="$work/data"
    mkdir -p "$data/s3/demo/flights" "$data/s3/$1"
    chmod 700 "$data"
    ln "$flights" "$data/s3/demo/flights/" 2>/dev/null || cp "$flights" "$data/s3/demo/flights/"
    "$bin/athena-local" --data-dir "$data" --port 0 2>"$work/athena-local.log" &
    athena_local_pid=$!
    for _ in $(seq 1 200); do
        grep -q "listening on" "$work/athena-local.log" && break
        sleep 0.025
    done
    url=$(sed -n 's/^athena-local listening on //p' "$work/athena-local.log")
    [ -n "$url" ] || { cat "$work/athena-local.log" >&2; die "athena-local did not start"; }
    export AWS_ENDPOINT_URL=$url
}

athena_cli() { "$bin/athena" --output-location "$results_uri" --output csv "$@"; }

create_flights_table() {
    athena_cli query "CREATE DATABASE demo" >/dev/null &&
        athena_cli query "CREATE EXTERNAL TABLE demo.flights (date timestamp, delay bigint,
            distance bigint, origin string, destination string)
            STORED AS PARQUET LOCATION 's3://demo/flights/'" >/dev/null
}
