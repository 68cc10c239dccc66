# Fixtures shared by the athena-local end-to-end tests (test_local_boto3,
# test_local_awscli, test_local_cli, test_local_sandbox,
# test_local_persistence), on top of local_harness.py:
#
#     from local_fixtures import demo_server, run_query, rows_of
#
#     with demo_server() as srv:              # sample data + demo tables
#         qe = run_query(srv.client(), "SELECT count(*) FROM demo.flights")
#
# demo_server() lays the sample data (flights-3m.parquet, airports.csv from
# .deps/data, fetched by scripts/setup.sh) out as DATA/s3/demo/flights/ and
# DATA/s3/demo/airports/ (hard links, copies across file systems), starts
# athena-local on it and creates the demo database and its two tables with
# ordinary Athena DDL. The rest are small polling and result helpers. Only
# the standard library plus the image's boto3/botocore are used.

import contextlib
import json
import os
import shutil
import tempfile
import time
import unittest

import botocore.session
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import create_parser

import harness
from local_harness import athena_local

SAMPLE_DATA_DIR = os.environ.get("ATHENA_SAMPLE_DATA_DIR") or os.path.join(
    harness.SOURCE_DIR, ".deps", "data")
FLIGHTS_PARQUET = os.path.join(SAMPLE_DATA_DIR, "flights-3m.parquet")
AIRPORTS_CSV = os.path.join(SAMPLE_DATA_DIR, "airports.csv")

# Where the tests ask for results unless a test needs its own location.
RESULTS_BUCKET = "results"
RESULTS_URI = f"s3://{RESULTS_BUCKET}/tests/"

TERMINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")

DEMO_DDL = (
    "CREATE DATABASE IF NOT EXISTS demo",
    "CREATE EXTERNAL TABLE IF NOT EXISTS demo.flights ("
    " date timestamp, delay bigint, distance bigint, origin string, destination string)"
    " STORED AS PARQUET LOCATION 's3://demo/flights/'",
    "CREATE EXTERNAL TABLE IF NOT EXISTS demo.airports ("
    " iata string, name string, city string, state string, country string,"
    " latitude double, longitude double)"
    " ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"
    " WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"')"
    " LOCATION 's3://demo/airports/'"
    " TBLPROPERTIES ('skip.header.line.count' = '1')",
)

# A query that runs for hours (3M x 3M rows): long enough for every stop,
# Ctrl-C, timeout and crash test, and it only stops when interrupted.
LONG_QUERY = "SELECT count(*) FROM demo.flights a CROSS JOIN demo.flights b"


def long_query(tag):
    """LONG_QUERY with its column named after tag, so that a test can find
    the query it started (e.g. through a CLI) in the history."""
    return LONG_QUERY.replace("count(*)", f"count(*) AS {tag}", 1)


def find_query(client, sql, timeout=30, workgroup="primary"):
    """The QueryExecution of the newest query whose text is sql, waiting for
    it to appear in the workgroup's history."""
    def newest():
        ids = client.list_query_executions(WorkGroup=workgroup,
                                           MaxResults=50)["QueryExecutionIds"]
        if not ids:
            return None
        found = client.batch_get_query_execution(QueryExecutionIds=ids)["QueryExecutions"]
        matches = [qe for qe in found if qe["Query"] == sql]
        return max(matches, key=lambda qe: qe["Status"]["SubmissionDateTime"]) if matches \
            else None
    return harness.wait_until(newest, timeout, 0.05, f"query {sql[:80]!r} in the history")

# Facts about the pinned sample data, computed once with DuckDB reading the
# files directly (not through athena-local):
#   SELECT origin, name, count(*), sum(delay), max(distance) FROM flights
#   JOIN airports ON origin = iata WHERE origin IN ('BTR','ORD','SFO') ...
FLIGHTS_ROW_COUNT = 3000000
FLIGHTS_DELAY_SUM = 20003603
JOINED_AIRPORTS = [
    # origin, name (OpenCSVSerde unquotes it), city, flights, sum(delay), max(distance)
    ("BTR", "Baton Rouge Metropolitan, Ryan", "Baton Rouge", 2824, 19303, 810),
    ("ORD", "Chicago O'Hare International", "Chicago", 166341, 1542589, 4244),
    ("SFO", "San Francisco International", "San Francisco", 60869, 373794, 2704),
]


def require_sample_data(testcase):
    """Fail (not skip) with a clear message when the sample data is missing."""
    for path in (FLIGHTS_PARQUET, AIRPORTS_CSV):
        if not os.path.isfile(path):
            testcase.fail(f"sample data {path} missing: run scripts/setup.sh "
                          "(or set ATHENA_SAMPLE_DATA_DIR)")


def _link_or_copy(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, target)


def seed_demo_data(data_dir):
    """Lays the sample files out as objects s3://demo/flights/... and
    s3://demo/airports/... of a (new or stopped) server's data dir."""
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    os.chmod(data_dir, 0o700)  # athena-local warns about a shared data dir
    objects = os.path.join(data_dir, "s3", "demo")
    _link_or_copy(FLIGHTS_PARQUET, os.path.join(objects, "flights", "flights-3m.parquet"))
    _link_or_copy(AIRPORTS_CSV, os.path.join(objects, "airports", "airports.csv"))


def create_demo_tables(client):
    for sql in DEMO_DDL:
        run_query(client, sql)


@contextlib.contextmanager
def demo_server(args=(), create_tables=True, **kwargs):
    """athena-local on a fresh data dir holding the sample data. The server
    object gains scratch_dir: a temporary folder outside the data dir (the
    data dir is scratch_dir/data), removed afterwards."""
    scratch = tempfile.mkdtemp(prefix="athena-local-e2e-")
    try:
        data_dir = os.path.join(scratch, "data")
        seed_demo_data(data_dir)
        with athena_local(data_dir=data_dir, args=args, **kwargs) as srv:
            srv.scratch_dir = scratch
            if create_tables:
                create_demo_tables(srv.client())
            yield srv
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---- queries ----

def start_query(client, sql, output=RESULTS_URI, database=None, **kwargs):
    """StartQueryExecution; returns the id. output=None sends no
    ResultConfiguration (the workgroup's applies)."""
    if output is not None:
        kwargs.setdefault("ResultConfiguration", {"OutputLocation": output})
    if database is not None:
        kwargs.setdefault("QueryExecutionContext", {"Database": database})
    return client.start_query_execution(QueryString=sql, **kwargs)["QueryExecutionId"]


def wait_for_query(client, query_id, timeout=60, states=TERMINAL_STATES, seen=None):
    """Polls GetQueryExecution until the state is one of states; returns the
    QueryExecution. seen, when a set, collects every state observed."""
    deadline = time.monotonic() + timeout
    interval = 0.02
    while True:
        qe = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        state = qe["Status"]["State"]
        if seen is not None:
            seen.add(state)
        if state in states:
            return qe
        if time.monotonic() > deadline:
            raise AssertionError(
                f"query {query_id} still {state} after {timeout}s (waiting for {states}): "
                f"{qe.get('Query', '')[:200]!r}")
        time.sleep(interval)
        interval = min(interval * 1.5, 0.25)


def run_query(client, sql, expect="SUCCEEDED", timeout=60, **kwargs):
    """Starts sql, waits until it finishes and returns its QueryExecution;
    raises AssertionError (with the reason) unless it ends in expect."""
    qe = wait_for_query(client, start_query(client, sql, **kwargs), timeout)
    status = qe["Status"]
    if expect and status["State"] != expect:
        raise AssertionError(f"{sql[:200]!r} ended {status['State']} (wanted {expect}): "
                             f"{status.get('StateChangeReason')}")
    return qe


def start_long_query(client, **kwargs):
    """Starts LONG_QUERY and waits until it is RUNNING; returns its id."""
    query_id = start_query(client, LONG_QUERY, **kwargs)
    qe = wait_for_query(client, query_id, 30, states=("RUNNING",) + TERMINAL_STATES)
    if qe["Status"]["State"] != "RUNNING":
        raise AssertionError(f"the long query did not run: {qe['Status']}")
    return query_id


def stop_quietly(client, query_id):
    """Cleanup: stops a query that may already be finished."""
    try:
        client.stop_query_execution(QueryExecutionId=query_id)
    except (ClientError, BotoCoreError, OSError):  # finished, or server gone
        pass


# ---- results ----

def rows_of(result_page):
    """A GetQueryResults page's rows as lists of VarCharValue (None for a
    Data entry without one, i.e. NULL)."""
    return [[cell.get("VarCharValue") for cell in row["Data"]]
            for row in result_page["ResultSet"]["Rows"]]


def columns_of(result_page):
    """(Name, Type, Precision, Scale) of each ColumnInfo."""
    return [(c["Name"], c["Type"], c.get("Precision"), c.get("Scale"))
            for c in result_page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]


def query_rows(client, query_id):
    """Every row (header first) through the get_query_results paginator."""
    rows = []
    for page in client.get_paginator("get_query_results").paginate(
            QueryExecutionId=query_id):
        rows.extend(rows_of(page))
    return rows


def select_rows(client, sql, **kwargs):
    """Runs a SELECT and returns all its rows, header first."""
    return query_rows(client, run_query(client, sql, **kwargs)["QueryExecutionId"])


def error_of(exc):
    """(code, message, HTTP status) of a botocore ClientError."""
    err = exc.response["Error"]
    return err["Code"], err.get("Message", ""), exc.response["ResponseMetadata"]["HTTPStatusCode"]


def object_path(data_dir, s3_uri):
    """The file behind s3://bucket/key in a data dir (DATA/s3/bucket/key)."""
    if not s3_uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {s3_uri}")
    return os.path.join(data_dir, "s3", *s3_uri[len("s3://"):].split("/"))


def digits_query(first, last):
    """A deterministic, Trino-compatible query of the integers first..last
    (at most 9999), ordered: columns n (integer), s (varchar 'r<n>') and
    even (boolean). Built from VALUES so it needs no table."""
    digits = "(VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9))"
    return ("SELECT n, 'r' || CAST(n AS varchar) AS s, n % 2 = 0 AS even FROM ("
            f"SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n"
            f" FROM {digits} AS a(d) CROSS JOIN {digits} AS b(d)"
            f" CROSS JOIN {digits} AS c(d) CROSS JOIN {digits} AS e(d))"
            f" WHERE n BETWEEN {first} AND {last} ORDER BY n")


def digits_rows(first, last):
    """The rows digits_query(first, last) must return, header first."""
    return [["n", "s", "even"]] + [
        [str(n), f"r{n}", "true" if n % 2 == 0 else "false"] for n in range(first, last + 1)]


# ---- raw requests, parsed as botocore would ----

_athena_model = None


def athena_output_shape(operation):
    """The botocore output shape of an Athena operation (None if unknown)."""
    global _athena_model
    if _athena_model is None:
        _athena_model = botocore.session.get_session().get_service_model("athena")
    if operation not in _athena_model.operation_names:
        return None
    return _athena_model.operation_model(operation).output_shape


def raw_athena_call(srv, operation, body):
    """Sends a signed AmazonAthena.<operation> request whose body is sent as
    is (bytes) or as JSON (dict), bypassing botocore's client-side
    validation, and parses the answer with botocore's own JSON-protocol
    parser. Returns (HTTP status, parsed dict): an error comes back as
    parsed["Error"] = {"Code", "Message"}, exactly what boto3 would raise."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = srv.sign("POST", "/", {"Content-Type": "application/x-amz-json-1.1",
                                     "X-Amz-Target": f"AmazonAthena.{operation}"}, payload)
    status, resp_headers, data = srv.raw_request("POST", "/", headers, payload)
    parsed = create_parser("json").parse(
        {"status_code": status, "headers": resp_headers, "body": data},
        athena_output_shape(operation))
    return status, parsed


class DemoServerTest(unittest.TestCase):
    """A test class sharing one athena-local with the demo tables: self.srv
    and its boto3 clients self.athena (plus the services in `clients`),
    started once per class with `server_args`; each test needs the sample
    data."""

    server_args = ()
    clients = ()

    @classmethod
    def setUpClass(cls):
        cls._ctx = demo_server(args=cls.server_args)
        cls.srv = cls._ctx.__enter__()
        cls.athena = cls.srv.client("athena")
        for service in cls.clients:
            setattr(cls, service, cls.srv.client(service))

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def setUp(self):
        require_sample_data(self)
