#!/usr/bin/env bash
# demo.sh: the main job, run by `make demo`. Lays out the pinned sample data
# (3M real flights as Parquet, the airports as CSV) as S3 objects in a fresh
# athena-local data dir, starts athena-local on a free loopback port, creates
# the tables with Athena DDL, runs a few analyses with the athena CLI exactly
# as one would against Amazon Athena, and stops the server.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
data_src="$top/.deps/data"

work=$(mktemp -d "${TMPDIR:-/tmp}/athena-demo.XXXXXX")
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Objects are plain files: s3://demo/flights/... is DATA_DIR/s3/demo/flights/...
mkdir -p "$work/data/s3/demo/flights" "$work/data/s3/demo/airports" "$work/data/s3/demo-results"
ln "$data_src/flights-3m.parquet" "$work/data/s3/demo/flights/" 2>/dev/null ||
    cp "$data_src/flights-3m.parquet" "$work/data/s3/demo/flights/"
cp "$data_src/airports.csv" "$work/data/s3/demo/airports/"

# Fresh root keys for this run only, handed to the server and the CLI through
# the environment (never on a command line).
export ATHENA_LOCAL_ACCESS_KEY_ID="ALKIDEMO$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
export ATHENA_LOCAL_SECRET_ACCESS_KEY="$(od -An -N30 -tx1 /dev/urandom | tr -d ' \n')"
"$build/bin/athena-local" --data-dir "$work/data" --port 0 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/server.log" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^athena-local listening on //p' "$work/server.log")
[ -n "$url" ] || { cat "$work/server.log" >&2; echo "athena-local did not start" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=$ATHENA_LOCAL_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY=$ATHENA_LOCAL_SECRET_ACCESS_KEY
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=$url
unset AWS_PROFILE
athena() { "$build/bin/athena" --output-location s3://demo-results/ --database demo "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

echo "athena-local is serving on $url (data dir $work/data)"

step "Create the database and tables (Athena DDL)"
athena --output table query "CREATE DATABASE IF NOT EXISTS demo"
athena --output table query "
  CREATE EXTERNAL TABLE flights (
    date timestamp, delay bigint, distance bigint, origin string, destination string)
  STORED AS PARQUET
  LOCATION 's3://demo/flights/'"
athena --output table query "
  CREATE EXTERNAL TABLE airports (
    iata string, name string, city string, state string, country string,
    latitude string, longitude string)
  ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
  WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"')
  LOCATION 's3://demo/airports/'
  TBLPROPERTIES ('skip.header.line.count' = '1')"
athena --output table query "SHOW TABLES"

step "How much data is there?"
athena --output table query "SELECT count(*) AS flights, min(date) AS first, max(date) AS last FROM flights"

step "The most delayed origin airports (with more than 10,000 departures)"
athena --output table query "
  SELECT f.origin, a.name, a.city, count(*) AS departures, round(avg(f.delay), 1) AS avg_delay
  FROM flights f JOIN airports a ON a.iata = f.origin
  GROUP BY f.origin, a.name, a.city
  HAVING count(*) > 10000
  ORDER BY avg_delay DESC
  LIMIT 10"

step "Monthly delay trend"
athena --output table query "
  SELECT date_trunc('month', date) AS month, count(*) AS flights,
         round(avg(delay), 2) AS avg_delay,
         round(100.0 * count_if(delay > 15) / count(*), 1) AS pct_late
  FROM flights GROUP BY 1 ORDER BY 1"

step "Longest routes from one airport (a bound parameter, never pasted into SQL)"
athena --output table --param "'SFO'" query "
  SELECT destination, max(distance) AS miles, count(*) AS flights
  FROM flights WHERE origin = ? GROUP BY destination ORDER BY miles DESC LIMIT 5"

step "The same as JSON lines, for programs"
athena --output jsonl --max-rows 3 query "SELECT origin, count(*) AS flights FROM flights GROUP BY origin ORDER BY flights DESC"

step "Recent queries in the workgroup"
athena --output table --max-rows 8 history
