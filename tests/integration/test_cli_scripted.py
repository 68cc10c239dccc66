# The athena CLI against a scripted Athena endpoint, for what moto cannot do.
#
# moto returns every result row in one page and never fails a query, so
# here the harness's ScriptedAthena plays Athena: results paged with
# opaque NextTokens (header row only on the first page), a FAILED query,
# transient 5xx/throttling answers, and --debug output checked against the
# exact signatures the server received. Every request's SigV4 signature is
# re-verified with botocore.

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CRED_ENV = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
QID = "0f6d3c52-95a1-4f57-9d43-7c0e5c1b2a77"
SQL = "SELECT id, city FROM geo.cities"
DATA_ROWS = 2500
CITIES = ["Zürich", "São Paulo", "東京", "Oslo", ""]


def city(i):
    return None if i % 9 == 4 else CITIES[i % len(CITIES)]


def all_rows():
    rows = [{"Data": [{"VarCharValue": "id"}, {"VarCharValue": "city"}]}]
    for i in range(DATA_ROWS):
        c = city(i)
        rows.append({"Data": [{"VarCharValue": str(i * 7)},
                              {} if c is None else {"VarCharValue": c}]})
    return rows


COLUMN_INFO = [
    {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": "id",
     "Label": "id", "Type": "bigint", "Precision": 19, "Scale": 0,
     "Nullable": "UNKNOWN", "CaseSensitive": False},
    {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": "city",
     "Label": "city", "Type": "varchar", "Precision": 2147483647, "Scale": 0,
     "Nullable": "UNKNOWN", "CaseSensitive": True},
]


def execution(state, **status_extra):
    status = {"State": state, "SubmissionDateTime": time.time() - 3}
    if state != "RUNNING":
        status["CompletionDateTime"] = time.time()
    status.update(status_extra)
    return {"QueryExecution": {
        "QueryExecutionId": QID, "Query": SQL, "StatementType": "DML",
        "ResultConfiguration": {"OutputLocation": f"s3://b/r/{QID}.csv"},
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "geo"},
        "Status": status,
        "Statistics": {"EngineExecutionTimeInMillis": 812, "DataScannedInBytes": 40960,
                       "TotalExecutionTimeInMillis": 990, "QueryQueueTimeInMillis": 61},
        "WorkGroup": "primary",
    }}


class PagedResults:
    """GetQueryResults like Athena: <=1000 rows a page, header on page one."""

    def __init__(self):
        self.rows = all_rows()
        self.issued = {}

    def __call__(self, rec):
        body = rec.json or {}
        if body.get("QueryExecutionId") != QID:
            return harness.athena_error("InvalidRequestException", "unknown query id")
        limit = body.get("MaxResults", 1000)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            return harness.athena_error("InvalidRequestException", f"MaxResults {limit!r}")
        token = body.get("NextToken")
        if token is None:
            offset = 0
        elif token in self.issued:
            offset = self.issued[token]
        else:
            return harness.athena_error("InvalidRequestException", f"bad NextToken {token!r}")
        page = self.rows[offset:offset + limit]
        answer = {"ResultSet": {"Rows": page,
                                "ResultSetMetadata": {"ColumnInfo": COLUMN_INFO}},
                  "UpdateCount": 0}
        if offset + limit < len(self.rows):
            # Opaque, with characters a client might mangle if it re-encodes.
            next_token = f"AQ+/tok={offset + limit}&x=%2F=="
            self.issued[next_token] = offset + limit
            answer["NextToken"] = next_token
        return answer


def succeeded_script():
    return {
        "StartQueryExecution": lambda rec: {"QueryExecutionId": QID},
        "GetQueryExecution": lambda rec: execution("SUCCEEDED"),
        "GetQueryResults": PagedResults(),
    }


def flaky(handler, failures):
    """Answer the first len(failures) calls with those errors, then handler."""
    left = list(failures)

    def answer(rec):
        return left.pop(0) if left else handler(rec)
    return answer


def expected_jsonl():
    return "".join(json.dumps({"id": i * 7, "city": city(i)}, ensure_ascii=False) + "\n"
                   for i in range(DATA_ROWS))


class ScriptedClientTest(unittest.TestCase):
    def setUp(self):
        harness.require_athena(self)

    def serve(self, script):
        responder = harness.ScriptedAthena(script, {KEY_ID: SECRET}).start()
        self.addCleanup(responder.stop)
        return responder

    def query(self, responder, *extra):
        return harness.run_athena(
            ["--endpoint-url", responder.url, "--region", "us-east-1",
             "--output-location", "s3://b/r/", "--output", "jsonl", *extra,
             "query", SQL], env=CRED_ENV, timeout=120)

    def assert_rows(self, out):
        lines = out.splitlines()
        self.assertEqual(len(lines), DATA_ROWS)
        self.assertEqual([json.loads(ln) for ln in lines],
                         [json.loads(ln) for ln in expected_jsonl().splitlines()])

    def assert_all_signed(self, responder):
        for rec in responder.requests:
            self.assertTrue(rec.signed_ok, f"bad signature on {rec!r}")

    def test_pages_through_results_with_next_token(self):
        responder = self.serve(succeeded_script())
        rc, out, err = self.query(responder)
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        self.assert_rows(out)
        pages = responder.calls("GetQueryResults")
        self.assertGreaterEqual(len(pages), 3, "2,501 rows need 3+ pages of <=1000")
        self.assertNotIn("NextToken", pages[0].json)
        issued = list(responder.handlers["GetQueryResults"].issued)
        self.assertEqual([p.json.get("NextToken") for p in pages[1:]], issued,
                         "each NextToken sent back verbatim, in order")
        self.assert_all_signed(responder)

    def test_debug_never_shows_secret_or_any_signature(self):
        responder = self.serve(succeeded_script())
        rc, out, err = self.query(responder, "--debug")
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        self.assert_rows(out)
        self.assertIn("StartQueryExecution", err, "request tracing expected on stderr")
        self.assertNotIn(SECRET, out + err)
        signatures = [r.signature for r in responder.requests]
        self.assertTrue(all(signatures) and len(signatures) >= 3, responder.requests)
        for signature in signatures:
            self.assertNotIn(signature, out + err)
        self.assert_all_signed(responder)

    def test_failed_query_exits_1_with_reason(self):
        reason = "COLUMN_NOT_FOUND: line 1:8: Column 'idd' cannot be resolved"
        script = succeeded_script()
        script["GetQueryExecution"] = lambda rec: execution(
            "FAILED", StateChangeReason=reason,
            AthenaError={"ErrorCategory": 2, "ErrorType": 1006, "Retryable": False,
                         "ErrorMessage": reason})
        responder = self.serve(script)
        rc, out, err = self.query(responder)
        self.assertEqual(rc, 1, f"stderr:\n{err}")
        self.assertEqual(out, "")
        self.assertIn(reason, err)
        self.assertEqual(len([ln for ln in err.splitlines()
                              if ln.startswith("athena: error: ")]), 1, err)
        self.assertEqual(responder.calls("GetQueryResults"), [])

    def test_retries_transient_errors(self):
        script = succeeded_script()
        script["GetQueryExecution"] = flaky(script["GetQueryExecution"], [
            harness.athena_error("InternalServerException", "try again", 500)])
        script["GetQueryResults"] = flaky(script["GetQueryResults"], [
            harness.athena_error("TooManyRequestsException", "Rate exceeded", 400)])
        responder = self.serve(script)
        rc, out, err = self.query(responder)
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        self.assert_rows(out)
        self.assert_all_signed(responder)

    def test_retried_start_reuses_its_client_request_token(self):
        script = succeeded_script()
        script["StartQueryExecution"] = flaky(script["StartQueryExecution"], [
            harness.athena_error("ThrottlingException", "Rate exceeded", 400),
            harness.athena_error("InternalServerException", "try again", 500)])
        responder = self.serve(script)
        rc, out, err = self.query(responder)
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        starts = responder.calls("StartQueryExecution")
        self.assertEqual(len(starts), 3)
        tokens = {rec.json["ClientRequestToken"] for rec in starts}
        self.assertEqual(len(tokens), 1, "every attempt carries the same token")
        self.assertRegex(tokens.pop(), r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assert_all_signed(responder)

    def test_unreachable_endpoint_is_a_network_error(self):
        port = harness.free_port()   # nothing listens there
        rc, out, err = harness.run_athena(
            ["--endpoint-url", f"http://127.0.0.1:{port}", "--region", "us-east-1",
             "--output-location", "s3://b/r/", "query", SQL], env=CRED_ENV, timeout=120)
        self.assertEqual(rc, 5, f"stderr:\n{err}")
        self.assertEqual(len([ln for ln in err.splitlines()
                              if ln.startswith("athena: error: ")]), 1, err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
