# The fast result path: `athena results` reading a SELECT's result file
# straight from S3 (HeadObject + parallel ranged GetObject, Athena CSV parsed
# by the client) instead of paging through GetQueryResults.
#
# Athena is a harness.ScriptedAthena (GetQueryExecution + GetQueryResults
# paged like Athena, header row on page one). S3 is either moto_server (a
# server no one here wrote; with IAM on, to deny s3:GetObject) or the
# ScriptedS3 below, which serves objects from memory with Range and
# If-Match and can misbehave on purpose: cut a response off mid-body, answer
# 403 AccessDenied to GET only, fail every request for a byte range. When
# athena-local serves S3 GetObject, the same checks also run end to end on a
# real query there.
#
# Checked: row-for-row equality of the S3 and GetQueryResults paths (NULL vs
# "", quotes, commas, CR/LF inside values, unicode) in csv and jsonl; the
# quiet fallback (AccessDenied on HEAD or on GET, missing object, DDL, no
# OutputLocation) and its --debug reason; --results-via s3 refusing instead;
# a dropped range resumed from the last byte received, with no byte twice;
# a failure after rows were printed being an error, with what was printed a
# prefix of the result (never a duplicate or a gap). --output csv reads the
# file raw (transcoded, not parsed into rows): byte for byte the same text as
# GetQueryResults' rows give, whatever the file's line ends, with
# --max-rows, its fallbacks, and a failure mid-way ending on a whole row.

import json
import os
import re
import socket
import subprocess
import sys
import threading
import unittest
import uuid
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
BUCKET = "fast-results"
QID = "5b1f7c1e-0c7a-4c3e-9a55-2f1e3d4c5b6a"
KEY = f"athena/out/{QID}.csv"
OUTPUT_LOCATION = f"s3://{BUCKET}/{KEY}"
DATA_ROWS = 3000

# (name, type, precision, scale)
COLUMNS = [("id", "bigint", 19, 0), ("name", "varchar", 2147483647, 0),
           ("note", "varchar", 2147483647, 0), ("score", "double", 17, 0),
           ("flag", "boolean", 0, 0), ("day", "date", 0, 0)]
NAMES = [c[0] for c in COLUMNS]


def column_info():
    return [{"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": n,
             "Label": n, "Type": t, "Precision": p, "Scale": s, "Nullable": "UNKNOWN",
             "CaseSensitive": t == "varchar"} for n, t, p, s in COLUMNS]


def row_values(i, width=0):
    """Row i as Athena renders it (None = SQL NULL). width pads the name, to
    make larger files."""
    ident = None if i % 13 == 6 else str(i * 1000 + 7)
    name = (f"Zürich – 東京 🚀 {i}" if i % 5 == 3 else f"user_{i:05d}") + "x" * width
    note = [None, "", f'say "hi", then\nleave {i}', f"naïve café ✓ {i}", "comma,only",
            f" padded {i} ", f"cr\r\nlf {i}", '"', "\n"][i % 9]
    score = None if i % 11 == 5 else repr(i * 0.25 - 100.0)
    flag = None if i % 17 == 3 else ("true" if i % 2 == 0 else "false")
    day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
    return [ident, name, note, score, flag, day]


def athena_csv(rows, eol="\n"):
    """The result file Athena writes: a header record, then every non-NULL
    value quoted ("" doubled inside), NULL an empty unquoted field."""
    def field(v):
        return "" if v is None else '"' + v.replace('"', '""') + '"'
    lines = [",".join(field(n) for n in NAMES)]
    lines += [",".join(field(v) for v in row) for row in rows]
    return (eol.join(lines) + eol).encode()


def cli_csv(rows):
    """What `--output csv` prints: the header, then RFC 4180 fields quoted
    only when needed, NULL empty and unquoted, as a list of lines."""
    def field(v):
        if v is None:
            return ""
        if (v == "" or v[0] in " \t" or v[-1] in " \t"
                or any(c in v for c in ',"\r\n')):
            return '"' + v.replace('"', '""') + '"'
        return v
    return [",".join(field(v) for v in row) + "\n" for row in [NAMES] + rows]


def expected_jsonl(rows):
    out = []
    for ident, name, note, score, flag, day in rows:
        out.append({"id": None if ident is None else int(ident), "name": name, "note": note,
                    "score": None if score is None else float(score),
                    "flag": None if flag is None else flag == "true", "day": day})
    return out


class PagedResults:
    """GetQueryResults like Athena: <= MaxResults rows a page, the header
    row first on page one, opaque NextTokens."""

    def __init__(self, rows):
        self.rows = [{"Data": [{"VarCharValue": n} for n in NAMES]}] + [
            {"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
        self.issued = {}
        self.lock = threading.Lock()

    def __call__(self, rec):
        body = rec.json or {}
        limit = body.get("MaxResults", 1000)
        token = body.get("NextToken")
        with self.lock:
            offset = 0 if token is None else self.issued.get(token)
            if offset is None:
                return harness.athena_error("InvalidRequestException", "bad NextToken")
            answer = {"ResultSet": {"Rows": self.rows[offset:offset + limit],
                                    "ResultSetMetadata": {"ColumnInfo": column_info()}},
                      "UpdateCount": 0}
            if offset + limit < len(self.rows):
                next_token = f"tok/{offset + limit}+{uuid.uuid4().hex[:6]}="
                self.issued[next_token] = offset + limit
                answer["NextToken"] = next_token
        return answer


def execution(statement_type="DML", output_location=OUTPUT_LOCATION, sql="SELECT * FROM t"):
    qe = {"QueryExecutionId": QID, "Query": sql, "StatementType": statement_type,
          "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "d"},
          "Status": {"State": "SUCCEEDED", "SubmissionDateTime": 1700000000.0,
                     "CompletionDateTime": 1700000001.0},
          "Statistics": {"EngineExecutionTimeInMillis": 5, "DataScannedInBytes": 1},
          "WorkGroup": "primary"}
    if statement_type == "DML":
        qe["SubstatementType"] = "SELECT"
    if output_location:
        qe["ResultConfiguration"] = {"OutputLocation": output_location}
    return {"QueryExecution": qe}


# --------------------------------------------------------------------------
# A scripted S3 endpoint
# --------------------------------------------------------------------------

RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class S3Request:
    def __init__(self, method, path, headers):
        self.method = method
        self.path = path
        self.headers = {k.lower(): v for k, v in headers}

    def range(self):
        m = RANGE.match(self.headers.get("range", ""))
        return (int(m.group(1)), int(m.group(2)) if m.group(2) else None) if m else None

    def __repr__(self):
        return f"<{self.method} {self.path} {self.headers.get('range')}>"


class ScriptedS3:
    """Path-style S3 with objects in memory: HEAD, GET with Range and
    If-Match (412 on mismatch). Knobs, set before use:
      deny        set of methods answered 403 AccessDenied ("HEAD", "GET")
      drop_after  cut the first response for each range end off after this
                  many body bytes (connection closed): each chunk breaks once
      fail_from   every GET of a range starting at or after this offset is
                  answered 500 InternalError
    requests lists every request seen (S3Request)."""

    def __init__(self):
        self.objects = {}
        self.deny = set()
        self.drop_after = None
        self.fail_from = None
        self.requests = []
        self._dropped = set()
        self._lock = threading.Lock()
        self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def put(self, bucket, key, data):
        self.objects[f"/{bucket}/{key}"] = (data, f'"{uuid.uuid4().hex}"')

    def gets(self):
        with self._lock:
            return [r for r in self.requests if r.method == "GET"]

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _error(self, status, code, head):
                body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>"
                        f"<Message>{code} (scripted)</Message><RequestId>r1</RequestId>"
                        "</Error>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(0 if head else len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def _serve(self, head):
                rec = S3Request(self.command, self.path, list(self.headers.items()))
                with owner._lock:
                    owner.requests.append(rec)
                if self.command in owner.deny:
                    return self._error(403, "AccessDenied", head)
                from urllib.parse import unquote
                obj = owner.objects.get(unquote(self.path.split("?")[0]))
                if obj is None:
                    return self._error(404, "NoSuchKey", head)
                data, etag = obj
                if_match = self.headers.get("If-Match")
                if if_match and if_match != etag:
                    return self._error(412, "PreconditionFailed", head)
                first, last, status = 0, len(data) - 1, 200
                wanted = rec.range()
                if wanted and not head:
                    first = wanted[0]
                    last = min(wanted[1] if wanted[1] is not None else len(data) - 1,
                               len(data) - 1)
                    status = 206
                    if owner.fail_from is not None and first >= owner.fail_from:
                        return self._error(500, "InternalError", head)
                body = data[first:last + 1]
                self.send_response(status)
                self.send_header("Content-Type", "text/csv")
                self.send_header("ETag", etag)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(data) if head else len(body)))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
                self.end_headers()
                if head:
                    return
                drop = False
                if owner.drop_after is not None and status == 206:
                    with owner._lock:
                        drop = last not in owner._dropped
                        owner._dropped.add(last)
                if drop:
                    self.wfile.write(body[:owner.drop_after])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def do_HEAD(self):
                self._serve(True)

            def do_GET(self):
                self._serve(False)

        self._server = harness._QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------

class FastResultsTest(unittest.TestCase):
    rows = [row_values(i) for i in range(DATA_ROWS)]

    def setUp(self):
        harness.require_athena(self)

    def athena_endpoint(self, rows=None, **execution_args):
        paged = PagedResults(self.rows if rows is None else rows)
        responder = harness.ScriptedAthena({
            "GetQueryExecution": lambda rec: execution(**execution_args),
            "GetQueryResults": paged,
        }, {KEY_ID: SECRET}).start()
        self.addCleanup(responder.stop)
        return responder

    def scripted_s3(self, data=None):
        s3 = ScriptedS3().start()
        self.addCleanup(s3.stop)
        s3.put(BUCKET, KEY, athena_csv(self.rows) if data is None else data)
        return s3

    def results(self, athena, s3_url, *extra, key_id=KEY_ID, secret=SECRET, fmt="jsonl"):
        env = {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret,
               "AWS_ENDPOINT_URL_ATHENA": athena.url, "AWS_ENDPOINT_URL_S3": s3_url,
               "AWS_REGION": REGION, "NO_PROXY": "127.0.0.1,localhost"}
        return harness.run_athena(["results", QID, "--output", fmt, *extra], env=env,
                                  timeout=120)

    def assert_jsonl(self, out, rows=None):
        got = [json.loads(line) for line in out.splitlines()]
        want = expected_jsonl(self.rows if rows is None else rows)
        self.assertEqual(len(got), len(want))
        self.assertEqual(got, want)

    def gqr_calls(self, athena):
        return [r.json for r in athena.calls("GetQueryResults")]

    # ---- the S3 path and GetQueryResults agree ----

    def test_s3_path_matches_getqueryresults_row_for_row(self):
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        for fmt in ("jsonl", "csv"):
            rc, via_s3, err = self.results(athena, s3.url, "--results-via", "s3", fmt=fmt)
            self.assertEqual(rc, 0, err)
            rc, via_api, err = self.results(athena, s3.url, "--results-via", "getqueryresults",
                                            fmt=fmt)
            self.assertEqual(rc, 0, err)
            self.assertEqual(via_s3, via_api, f"{fmt} differs between the two paths")
            if fmt == "jsonl":
                self.assert_jsonl(via_s3)
        # The S3 runs asked GetQueryResults only for the metadata (MaxResults=1).
        calls = self.gqr_calls(athena)
        self.assertEqual(sum(1 for c in calls if c.get("MaxResults") == 1), 2, calls)
        gets = s3.gets()
        self.assertEqual(len(gets), 2, gets)
        self.assertTrue(all(g.headers.get("if-match") for g in gets), "GETs pinned by If-Match")

    def test_auto_prefers_s3_and_says_so_under_debug(self):
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        rc, out, err = self.results(athena, s3.url, "--debug")
        self.assertEqual(rc, 0, err)
        self.assert_jsonl(out)
        self.assertIn(f"results: reading s3://{BUCKET}/{KEY}", err)
        # One full first page (it would have been the whole result if small).
        self.assertEqual([c.get("MaxResults") for c in self.gqr_calls(athena)], [1000])

    def test_against_moto_s3(self):
        data = athena_csv(self.rows)
        with harness.start_moto() as moto:
            s3 = moto.boto3_client("s3")
            s3.create_bucket(Bucket=BUCKET)
            s3.put_object(Bucket=BUCKET, Key=KEY, Body=data)
            athena = self.athena_endpoint()
            rc, out, err = self.results(athena, moto.url, "--results-via", "s3", "--debug")
            self.assertEqual(rc, 0, err)
            self.assert_jsonl(out)
            self.assertIn("S3.GetObject", err)

    # ---- --output csv: the file's bytes transcoded, no rows ----

    def test_raw_csv_is_byte_identical_to_getqueryresults(self):
        athena = self.athena_endpoint()
        want = "".join(cli_csv(self.rows))
        rc, via_api, err = self.results(athena, "http://127.0.0.1:9", "--results-via",
                                        "getqueryresults", fmt="csv")
        self.assertEqual(rc, 0, err)
        self.assertEqual(via_api, want)
        plain = athena_csv(self.rows)
        # Athena's own file, one with CRLF record ends, one without the final newline.
        for data in (plain, athena_csv(self.rows, eol="\r\n"), plain[:-1]):
            s3 = self.scripted_s3(data)
            rc, via_s3, err = self.results(athena, s3.url, "--results-via", "s3", "--debug",
                                           fmt="csv")
            self.assertEqual(rc, 0, err)
            self.assertIn(", raw)", err)
            self.assertEqual(via_s3, via_api)

    def test_raw_csv_max_rows(self):
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        for n in ("0", "1", "1500"):
            rc, via_s3, err = self.results(athena, s3.url, "--results-via", "s3", "--debug",
                                           "--max-rows", n, fmt="csv")
            self.assertEqual(rc, 0, err)
            self.assertIn(", raw)", err)
            self.assertEqual(via_s3, "".join(cli_csv(self.rows[:int(n)])), n)
            rc, via_api, err = self.results(athena, s3.url, "--results-via", "getqueryresults",
                                            "--max-rows", n, fmt="csv")
            self.assertEqual(via_s3, via_api, n)

    def test_raw_csv_falls_back_to_rows(self):
        want = "".join(cli_csv(self.rows))
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        s3.deny = {"GET"}
        rc, out, err = self.results(athena, s3.url, "--debug", fmt="csv")
        self.assertEqual(rc, 0, err)
        self.assertIn("results: using GetQueryResults: reading the result file failed", err)
        self.assertEqual(out, want)
        # A header that is not the column names: the raw bytes would print
        # another header than the rows do, so the file is not used.
        renamed = athena_csv(self.rows).replace(b'"id"', b'"ID"', 1)
        s3 = self.scripted_s3(renamed)
        rc, out, err = self.results(athena, s3.url, "--debug", fmt="csv")
        self.assertEqual(rc, 0, err)
        self.assertIn("does not match the column names", err)
        self.assertEqual(out, want)
        rc, out, err = self.results(athena, s3.url, "--results-via", "s3", fmt="csv")
        self.assertEqual(rc, 5, err)
        self.assertEqual(out, "")
        self.assertIn("cannot read the results from S3", err)

    def test_raw_csv_bad_record_and_failure_mid_way_end_on_a_whole_row(self):
        athena = self.athena_endpoint()
        bad = athena_csv(self.rows[:10]) + b'"1","x"\n' + athena_csv(self.rows[10:20])
        s3 = self.scripted_s3(bad)
        rc, out, err = self.results(athena, s3.url, "--results-via", "s3", fmt="csv")
        self.assertEqual(rc, 5, err)
        self.assertEqual(out, "".join(cli_csv(self.rows[:10])))
        self.assertIn("has 2 fields, expected 6", err)
        rows = self.big_rows()
        s3 = self.scripted_s3(athena_csv(rows))
        s3.fail_from = 8 * 1024 * 1024  # the second chunk never comes
        athena = self.athena_endpoint(rows=rows)
        rc, out, err = self.results(athena, s3.url, fmt="csv")
        self.assertEqual(rc, 5, err)
        self.assertIn("InternalError", err)
        lines = cli_csv(rows)
        printed, n = 0, 0
        while printed < len(out) and n < len(lines):
            printed += len(lines[n])
            n += 1
        self.assertGreater(n, 1000)
        self.assertLess(n, len(lines))
        self.assertEqual(out, "".join(lines[:n]), "whole rows, in order, no repeats")

    # ---- falling back quietly ----

    def assert_fell_back(self, athena, s3_url, reason, *extra, check_rows=True, **kw):
        rc, out, err = self.results(athena, s3_url, "--debug", *extra, **kw)
        self.assertEqual(rc, 0, err)
        if check_rows:
            self.assert_jsonl(out)
        self.assertRegex(err, "results: using GetQueryResults: " + reason)
        self.assertNotIn("athena: error", err)
        return err

    def test_falls_back_when_moto_denies_s3(self):
        deny = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
        with harness.start_moto(no_auth_count=5) as moto:
            iam = moto.boto3_client("iam")
            iam.create_user(UserName="reader")
            key = iam.create_access_key(UserName="reader")["AccessKey"]
            iam.put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=json.dumps(deny))
            moto.boto3_client("s3").create_bucket(Bucket=BUCKET)
            moto.boto3_client("s3").put_object(Bucket=BUCKET, Key=KEY, Body=athena_csv(self.rows))
            moto.require_auth_now()
            athena = self.athena_endpoint()
            creds = {"key_id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
            self.assert_fell_back(athena, moto.url, "HeadObject on the result file failed",
                                  **creds)
            rc, out, err = self.results(athena, moto.url, "--results-via", "s3", **creds)
            self.assertEqual(rc, 4, err)
            self.assertEqual(out, "")
            self.assertIn("cannot read the results from S3", err)

    def test_falls_back_when_get_is_denied(self):
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        s3.deny = {"GET"}
        err = self.assert_fell_back(athena, s3.url, "reading the result file failed")
        self.assertIn("AccessDenied", err)

    def test_falls_back_when_object_missing(self):
        athena = self.athena_endpoint()
        s3 = self.scripted_s3()
        s3.objects.clear()
        self.assert_fell_back(athena, s3.url, "HeadObject on the result file failed.*NoSuchKey")

    def test_ddl_and_managed_results_never_touch_s3(self):
        s3 = self.scripted_s3()
        ddl = self.athena_endpoint(statement_type="DDL",
                                   output_location=f"s3://{BUCKET}/athena/out/{QID}.txt")
        # (DDL output has no header row: the page's first row is data here.)
        self.assert_fell_back(ddl, s3.url, "the statement is not a SELECT", check_rows=False)
        managed = self.athena_endpoint(output_location=None)
        self.assert_fell_back(managed, s3.url, r"no OutputLocation")
        self.assertEqual(s3.requests, [])

    def test_small_result_uses_the_first_page(self):
        # 999 rows + the header fill one page: one request, S3 untouched.
        rows = self.rows[:999]
        athena = self.athena_endpoint(rows=rows)
        s3 = self.scripted_s3(athena_csv(rows))
        rc, out, err = self.results(athena, s3.url, "--debug")
        self.assertEqual(rc, 0, err)
        self.assert_jsonl(out, rows)
        self.assertIn("the result fits in the first page", err)
        self.assertEqual(s3.requests, [])
        self.assertEqual(len(self.gqr_calls(athena)), 1)
        # One row more, and the file is read (the first page is not reused).
        rows = self.rows[:1000]
        athena = self.athena_endpoint(rows=rows)
        s3 = self.scripted_s3(athena_csv(rows))
        rc, out, err = self.results(athena, s3.url, "--debug")
        self.assertEqual(rc, 0, err)
        self.assert_jsonl(out, rows)
        self.assertEqual(len(s3.gets()), 1)
        self.assertEqual(len(self.gqr_calls(athena)), 1)

    # ---- big files: chunks, resuming, failing mid-way ----

    def big_rows(self):
        # ~20 MiB: three 8 MiB chunks, records straddling both boundaries.
        return [row_values(i, width=180) for i in range(90000)]

    def test_multi_chunk_file_with_dropped_ranges_is_resumed(self):
        rows = self.big_rows()
        data = athena_csv(rows)
        self.assertGreater(len(data), 2 * 8 * 1024 * 1024)
        athena = self.athena_endpoint(rows=rows)
        s3 = self.scripted_s3(data)
        s3.drop_after = 1_000_000  # every range's first answer breaks off after ~1 MB
        rc, out, err = self.results(athena, s3.url, "--results-via", "s3", "--debug")
        self.assertEqual(rc, 0, err[-3000:])
        self.assert_jsonl(out, rows)
        starts = sorted(g.range()[0] for g in s3.gets())
        chunk = 8 * 1024 * 1024
        for k in range(3):
            # Each chunk was asked for once from its start and once from
            # where its first answer broke off.
            self.assertIn(k * chunk, starts)
            self.assertIn(k * chunk + 1_000_000, starts)
        self.assertEqual(len(starts), 6, starts)
        self.assertEqual(err.count("resuming at byte"), 3, err[-3000:])

    def test_ctrl_c_while_output_is_blocked_exits_130_at_once(self):
        import signal
        import time
        rows = self.big_rows()
        athena = self.athena_endpoint(rows=rows)
        s3 = self.scripted_s3(athena_csv(rows))
        env = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
               "AWS_ENDPOINT_URL_ATHENA": athena.url, "AWS_ENDPOINT_URL_S3": s3.url,
               "AWS_REGION": REGION, "NO_PROXY": "127.0.0.1,localhost", "HOME": "/nonexistent",
               "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        proc = subprocess.Popen([harness.athena_path(), "results", QID, "--output", "csv"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=harness._die_with_parent)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        first = proc.stdout.read(100_000)  # then stop reading: the CLI blocks writing
        self.assertTrue(first.startswith(b"id,name,note,score,flag,day\n"))
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        self.assertEqual(proc.wait(10), 130, proc.stderr.read())

    def test_failure_after_rows_is_an_error_without_duplicates(self):
        rows = self.big_rows()
        athena = self.athena_endpoint(rows=rows)
        s3 = self.scripted_s3(athena_csv(rows))
        s3.fail_from = 8 * 1024 * 1024  # the second chunk never comes
        rc, out, err = self.results(athena, s3.url)
        self.assertEqual(rc, 5, err)
        self.assertIn("InternalError", err)
        lines = out.splitlines()
        self.assertGreater(len(lines), 1000)
        self.assertLess(len(lines), len(rows))
        self.assertEqual([json.loads(ln) for ln in lines],
                         expected_jsonl(rows[:len(lines)]), "a prefix, in order, no repeats")


# --------------------------------------------------------------------------
# End to end on athena-local
# --------------------------------------------------------------------------

LOCAL_RESULTS = "s3://fast-results/e2e/"
TRICKY_QUERY = (
    "SELECT delay AS id, CASE WHEN delay % 7 = 0 THEN NULL WHEN delay % 7 = 1 THEN ''"
    " WHEN delay % 7 = 2 THEN 'say \"hi\", then' || chr(10) || 'leave'"
    " WHEN delay % 7 = 3 THEN 'Zürich – 東京 🚀 ' || origin"
    " WHEN delay % 7 = 4 THEN 'a,b' || chr(13) || chr(10) || destination"
    " ELSE 'plain ' || origin END AS note,"
    " CASE WHEN delay % 5 = 0 THEN NULL ELSE CAST(distance AS double) / 4 END AS score,"
    " delay % 2 = 0 AS flag, date AS ts, CAST(date AS date) AS day"
    " FROM demo.flights WHERE origin IN ('BTR', 'SFO')"
    " ORDER BY date, delay, distance, destination, origin")
PEAK_RSS_LIMIT_KB = 32 * 1024


def is_sanitizer_build(path):
    """AddressSanitizer's shadow memory and quarantine inflate RSS far past
    what the program itself holds: the memory bound is checked on normal
    builds only (make test runs both)."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


class LocalFastResultsTest(unittest.TestCase):
    """The S3 path against athena-local's own GetObject (ranges streamed
    from the result file) on real queries over the sample flights."""

    @classmethod
    def setUpClass(cls):
        from local_fixtures import demo_server
        cls._ctx = demo_server()
        cls.srv = cls._ctx.__enter__()
        os.makedirs(os.path.join(cls.srv.data_dir, "s3", "fast-results"), exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def setUp(self):
        from local_fixtures import require_sample_data
        harness.require_athena(self)
        require_sample_data(self)

    def env(self):
        return {"AWS_ACCESS_KEY_ID": self.srv.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
                "AWS_ENDPOINT_URL": self.srv.url, "AWS_REGION": self.srv.region,
                "NO_PROXY": "127.0.0.1,localhost"}

    def athena_cli(self, *args):
        rc, out, err = harness.run_athena(["--output-location", LOCAL_RESULTS, *args],
                                          env=self.env(), timeout=120)
        self.assertEqual(rc, 0, f"athena {args}: {err[-2000:]}")
        return out, err

    def test_s3_path_matches_getqueryresults_on_a_real_query(self):
        from local_fixtures import run_query
        qid = run_query(self.srv.client(), TRICKY_QUERY, output=LOCAL_RESULTS)[
            "QueryExecutionId"]
        for fmt in ("jsonl", "csv"):
            via_s3, err = self.athena_cli("results", qid, "--output", fmt,
                                          "--results-via", "s3", "--debug")
            self.assertIn(f"results: reading {LOCAL_RESULTS}{qid}.csv", err)
            self.assertEqual(", raw)" in err, fmt == "csv")
            via_api, _ = self.athena_cli("results", qid, "--output", fmt,
                                         "--results-via", "getqueryresults")
            self.assertEqual(via_s3, via_api, f"{fmt} differs between the two paths")
        rows = [json.loads(line) for line in self.athena_cli(
            "results", qid, "--output", "jsonl")[0].splitlines()]
        self.assertEqual(len(rows), 2824 + 60869)
        notes = {r["note"] for r in rows}
        for value in (None, "", 'say "hi", then\nleave', "Zürich – 東京 🚀 SFO", "a,b\r\nORD"):
            self.assertIn(value, notes)

    def test_select_all_flights_to_csv_in_flat_memory(self):
        """`athena query --output csv` of all 3M flights: every row arrives
        (count and sum of delay match the data), peak RSS under 32 MiB."""
        import csv
        import tempfile
        from local_fixtures import FLIGHTS_DELAY_SUM, FLIGHTS_ROW_COUNT
        with tempfile.TemporaryDirectory(prefix="fast-results-") as tmp:
            out_path = os.path.join(tmp, "flights.csv")
            env = dict(self.env(), HOME=tmp, PATH=os.environ.get("PATH", "/usr/bin:/bin"))
            # A child python measures only the athena process's peak RSS.
            measure = ("import resource, subprocess, sys\n"
                       "with open(sys.argv[1], 'wb') as out:\n"
                       "    rc = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
                       "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
            proc = subprocess.run(
                [sys.executable, "-c", measure, out_path, harness.athena_path(),
                 "--output-location", LOCAL_RESULTS, "--output", "csv", "--database", "demo",
                 "query", "SELECT * FROM flights"],
                env=env, capture_output=True, text=True, timeout=300)
            rc, peak_kb = (int(x) for x in proc.stdout.split())
            self.assertEqual(rc, 0, proc.stderr)
            count = delay_sum = 0
            with open(out_path, newline="") as f:
                reader = csv.reader(f)
                self.assertEqual(next(reader), ["date", "delay", "distance", "origin",
                                                "destination"])
                for row in reader:
                    count += 1
                    delay_sum += int(row[1])
            self.assertEqual(count, FLIGHTS_ROW_COUNT)
            self.assertEqual(delay_sum, FLIGHTS_DELAY_SUM)
            if not is_sanitizer_build(harness.athena_path()):
                self.assertLess(peak_kb, PEAK_RSS_LIMIT_KB, f"peak RSS {peak_kb} KiB")


if __name__ == "__main__":
    unittest.main(verbosity=2)
