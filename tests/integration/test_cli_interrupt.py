# Ctrl-C and cancel against a scripted Athena endpoint.
#
# moto finishes every query at once, so a query that stays RUNNING needs
# the scripted responder from harness.py: StartQueryExecution returns an id,
# GetQueryExecution answers RUNNING forever, StopQueryExecution is recorded.
# Every request's SigV4 signature is re-verified with botocore. The last
# class checks that verifier itself (boto3-signed requests pass, tampered
# ones fail, AWS's SigV4 test vectors pass), so signed_ok means something.

import json
import os
import re
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import boto3  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
QID = "5c0b0d3e-8f4a-4c3e-9a7e-2f1d7b6a9c01"
UUID_SHAPED = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def running_execution(rec):
    qid = (rec.json or {}).get("QueryExecutionId")
    if qid != QID:
        return harness.athena_error("InvalidRequestException",
                                    f"QueryExecution {qid} was not found")
    return {"QueryExecution": {
        "QueryExecutionId": QID,
        "Query": "SELECT 1",
        "StatementType": "DML",
        "ResultConfiguration": {"OutputLocation": f"s3://b/r/{QID}.csv"},
        "QueryExecutionContext": {"Catalog": "AwsDataCatalog"},
        "Status": {"State": "RUNNING", "SubmissionDateTime": time.time() - 5},
        "Statistics": {"EngineExecutionTimeInMillis": 4200,
                       "DataScannedInBytes": 123456789,
                       "TotalExecutionTimeInMillis": 4500,
                       "QueryQueueTimeInMillis": 120,
                       "ServicePreProcessingTimeInMillis": 40,
                       "QueryPlanningTimeInMillis": 300},
        "WorkGroup": "primary",
        "EngineVersion": {"SelectedEngineVersion": "AUTO",
                          "EffectiveEngineVersion": "Athena engine version 3"},
    }}


def running_script():
    return {
        "StartQueryExecution": lambda rec: {"QueryExecutionId": QID},
        "GetQueryExecution": running_execution,
        "StopQueryExecution": lambda rec: {},
    }


CRED_ENV = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}


class InterruptTest(unittest.TestCase):
    def setUp(self):
        harness.require_athena(self)
        self.responder = harness.ScriptedAthena(running_script(), {KEY_ID: SECRET}).start()
        self.addCleanup(self.responder.stop)

    def base_args(self):
        return ["--endpoint-url", self.responder.url, "--region", "us-east-1",
                "--output-location", "s3://b/r/"]

    def assert_all_signed(self):
        for rec in self.responder.requests:
            self.assertTrue(rec.signed_ok, f"bad signature on {rec!r}")

    def test_ctrl_c_stops_the_query_and_exits_130(self):
        with harness.spawn_athena(self.base_args() + ["query", "SELECT 1"],
                                  env=CRED_ENV) as proc:
            harness.wait_until(
                lambda: len(self.responder.calls("GetQueryExecution")) >= 2
                or not proc.running(), 45, what="2 GetQueryExecution polls")
            if not proc.running():
                rc, out, err = proc.wait()
                self.fail(f"athena exited early (rc={rc}) before Ctrl-C; stderr:\n{err}")
            self.assertEqual(self.responder.calls("StopQueryExecution"), [],
                             "StopQueryExecution before Ctrl-C")
            proc.send_signal(signal.SIGINT)
            rc, out, err = proc.wait(45)

        self.assertEqual(rc, 130, f"stderr:\n{err}")
        self.assertRegex(err, r"(?i)cancel", "stderr should say the query was cancelled")
        self.assertNotIn(SECRET, out + err)

        stops = self.responder.calls("StopQueryExecution")
        self.assertEqual(len(stops), 1, f"requests: {self.responder.requests!r}")
        self.assertEqual(stops[0].json, {"QueryExecutionId": QID})
        self.assertTrue(stops[0].signed_ok, stops[0].sig_reason)

        starts = self.responder.calls("StartQueryExecution")
        self.assertEqual(len(starts), 1)
        body = starts[0].json
        self.assertEqual(body.get("QueryString"), "SELECT 1")
        self.assertEqual(body.get("ResultConfiguration", {}).get("OutputLocation"),
                         "s3://b/r/")
        token = body.get("ClientRequestToken", "")
        self.assertTrue(32 <= len(token) <= 128, f"ClientRequestToken {token!r}")
        self.assertRegex(token, UUID_SHAPED)
        for rec in self.responder.calls("GetQueryExecution"):
            self.assertEqual(rec.json, {"QueryExecutionId": QID})
        self.assertEqual(starts[0].header("Content-Type"), "application/x-amz-json-1.1")
        self.assert_all_signed()

    def test_cancel_command_sends_stop(self):
        rc, out, err = harness.run_athena(self.base_args() + ["cancel", QID], env=CRED_ENV)
        self.assertEqual(rc, 0, f"stderr:\n{err}")
        stops = self.responder.calls("StopQueryExecution")
        self.assertEqual([s.json for s in stops], [{"QueryExecutionId": QID}])
        self.assert_all_signed()


class ResponderSelfTest(unittest.TestCase):
    """The responder's signature check must pass good and fail bad requests."""

    def setUp(self):
        self.responder = harness.ScriptedAthena(running_script(), {KEY_ID: SECRET}).start()
        self.addCleanup(self.responder.stop)

    def client(self, secret):
        return boto3.client("athena", endpoint_url=self.responder.url,
                            region_name="us-east-1", aws_access_key_id=KEY_ID,
                            aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}, proxies={}))

    def test_boto3_signed_requests_verify(self):
        athena = self.client(SECRET)
        self.assertEqual(athena.start_query_execution(QueryString="SELECT 1")
                         ["QueryExecutionId"], QID)
        athena.stop_query_execution(QueryExecutionId=QID)
        self.assertEqual(len(self.responder.requests), 2)
        for rec in self.responder.requests:
            self.assertTrue(rec.signed_ok, rec.sig_reason)

    def test_wrong_secret_and_tampered_body_fail(self):
        self.client("not-the-secret").stop_query_execution(QueryExecutionId=QID)
        body = json.dumps({"QueryExecutionId": QID}).encode()
        request = AWSRequest(method="POST", url=self.responder.url + "/", data=body,
                             headers={"X-Amz-Target": "AmazonAthena.StopQueryExecution",
                                      "Content-Type": "application/x-amz-json-1.1"})
        SigV4Auth(Credentials(KEY_ID, SECRET), "athena", "us-east-1").add_auth(request)
        headers = dict(request.prepare().headers)
        self._send(body, headers)                                   # untouched: ok
        self._send(body.replace(b"5c0b", b"5c0c"), headers)         # tampered body
        headers["X-Amz-Target"] = "AmazonAthena.StartQueryExecution"
        self._send(body, headers)                                   # tampered header
        self.assertEqual([r.signed_ok for r in self.responder.requests],
                         [False, True, False, False], self.responder.requests)

    def _send(self, body, headers):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.responder.port, timeout=10)
        try:
            conn.request("POST", "/", body=body, headers=headers)
            conn.getresponse().read()
        finally:
            conn.close()

    def test_aws_sigv4_test_vectors(self):
        suite = os.path.join(harness.SOURCE_DIR, "tests", "fixtures", "sigv4", "v4")
        cases = ["get-vanilla", "get-vanilla-query-order-key-case", "post-vanilla",
                 "post-vanilla-query", "post-header-key-case", "get-header-value-trim",
                 "post-x-www-form-urlencoded"]
        for case in cases:
            with self.subTest(case=case):
                with open(os.path.join(suite, case, "header-signed-request.txt"), "rb") as f:
                    raw = f.read().decode("utf-8")
                head, _, body = raw.partition("\n\n")
                lines = head.split("\n")
                method, path, _ = lines[0].split(" ")
                headers = [tuple(ln.split(":", 1)) for ln in lines[1:]]
                creds = {"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
                host = dict((k.lower(), v) for k, v in headers)["host"]
                ok, why, _ = harness.verify_sigv4(method, host, path, headers,
                                                  body.encode(), creds)
                self.assertTrue(ok, why)
                ok, _, _ = harness.verify_sigv4(method, host, path, headers,
                                                body.encode() + b"x", creds)
                self.assertFalse(ok)


if __name__ == "__main__":
    unittest.main(verbosity=2)
