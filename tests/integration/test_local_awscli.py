# End-to-end tests of athena-local with the AWS CLI, v1 (`aws` on PATH, a
# pyenv shim in the image) and v2 (Debian's awscli, /usr/bin/aws): start a
# query, poll it, fetch its results (the CLI pages through NextToken by
# itself), stop one, and see errors as the CLI reports them. Each run gets
# a clean HOME and only AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in its
# environment; the JSON the CLI prints is parsed and asserted. Each CLI
# start costs about a second, so waiting and setting up is done with boto3
# and the CLI is run only for what is being checked.

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (  # noqa: E402
    JOINED_AIRPORTS, RESULTS_URI, demo_server, digits_query, digits_rows, require_sample_data,
    run_query, start_long_query, start_query, wait_for_query)

V2_PATH = "/usr/bin/aws"


def aws_version(path):
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (proc.stdout + proc.stderr).strip()


def find_v1():
    """The first `aws` on PATH that is AWS CLI v1 (None if there is none)."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(folder, "aws")
        if os.path.isfile(path) and os.access(path, os.X_OK) and \
                aws_version(path).startswith("aws-cli/1."):
            return path
    return None


class AwsCliMixin:
    """The tests, run once per CLI version by the subclasses below."""

    aws_path = None          # set by setUpClass
    version = ""             # what `aws --version` printed
    version_prefix = None    # "aws-cli/1." or "aws-cli/2."

    @classmethod
    def setUpClass(cls):
        cls.version = aws_version(cls.aws_path)
        cls._ctx = demo_server()
        cls.srv = cls._ctx.__enter__()
        cls.home = tempfile.mkdtemp(prefix="awscli-home-")

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)
        shutil.rmtree(cls.home, ignore_errors=True)

    def setUp(self):
        require_sample_data(self)

    def env(self, secret=None):
        home = self.home
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": self.srv.access_key_id,
            "AWS_SECRET_ACCESS_KEY": secret or self.srv.secret_access_key,
            # Nothing from a real profile, no pager, no proxies for loopback.
            "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
            "AWS_PAGER": "",
            "NO_PROXY": "127.0.0.1,localhost",
        }

    def aws(self, *args, secret=None, expect_ok=True):
        cmd = [self.aws_path, "athena", *args, "--endpoint-url", self.srv.url,
               "--region", "us-east-1", "--output", "json"]
        proc = subprocess.run(cmd, env=self.env(secret), capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL, cwd=self.home)
        if expect_ok:
            self.assertEqual(proc.returncode, 0, f"{args}: {proc.stderr}")
            return json.loads(proc.stdout) if proc.stdout.strip() else None
        return proc

    def start(self, sql, *extra):
        out = self.aws("start-query-execution", "--query-string", sql,
                       "--result-configuration", f"OutputLocation={RESULTS_URI}", *extra)
        self.assertRegex(out["QueryExecutionId"], r"^[0-9a-f-]{36}$")
        return out["QueryExecutionId"]

    def wait(self, query_id, timeout=60):
        """Waits (polling with boto3, which is much faster than starting the
        CLI again and again) until the query is finished, then returns what
        `aws athena get-query-execution` says about it."""
        wait_for_query(self.srv.client(), query_id, timeout)
        return self.aws("get-query-execution", "--query-execution-id", query_id)["QueryExecution"]

    def rows(self, results):
        return [[cell.get("VarCharValue") for cell in row["Data"]]
                for row in results["ResultSet"]["Rows"]]

    # ---- tests ----

    def test_version(self):
        self.assertTrue(self.version.startswith(self.version_prefix), self.version)

    def test_start_poll_and_fetch(self):
        sql = ("SELECT 1 AS a, 'x,y' AS b, CAST(NULL AS varchar) AS c, ARRAY[1, 2] AS d,"
               " TIMESTAMP '2024-01-02 03:04:05' AS e")
        query_id = self.start(sql)
        qe = self.wait(query_id)
        self.assertEqual(qe["Status"]["State"], "SUCCEEDED", qe["Status"])
        self.assertEqual(qe["QueryExecutionId"], query_id)
        self.assertEqual(qe["Query"], sql)
        self.assertEqual(qe["StatementType"], "DML")
        self.assertEqual(qe["WorkGroup"], "primary")
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{RESULTS_URI}{query_id}.csv")
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], 0)
        self.assertIn("SubmissionDateTime", qe["Status"])
        self.assertIn("CompletionDateTime", qe["Status"])

        results = self.aws("get-query-results", "--query-execution-id", query_id)
        self.assertEqual(self.rows(results), [["a", "b", "c", "d", "e"],
                                              ["1", "x,y", None, "[1, 2]",
                                               "2024-01-02 03:04:05.000"]])
        self.assertEqual([(c["Name"], c["Type"]) for c in
                          results["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]],
                         [("a", "integer"), ("b", "varchar"), ("c", "varchar"),
                          ("d", "array"), ("e", "timestamp")])

    def test_query_on_the_sample_data(self):
        sql = ("SELECT f.origin, a.city, count(*) AS flights, sum(f.delay) AS total_delay"
               " FROM flights f JOIN airports a ON f.origin = a.iata"
               " WHERE f.origin IN ('BTR', 'ORD', 'SFO') GROUP BY f.origin, a.city"
               " ORDER BY f.origin")
        # (started with boto3: starting the CLI costs about a second a time)
        query_id = start_query(self.srv.client(), sql, database="demo")
        qe = self.wait(query_id)
        self.assertEqual(qe["Status"]["State"], "SUCCEEDED", qe["Status"])
        self.assertEqual(qe["QueryExecutionContext"]["Database"], "demo")
        self.assertGreater(qe["Statistics"]["DataScannedInBytes"], 0)
        results = self.aws("get-query-results", "--query-execution-id", query_id)
        self.assertEqual(self.rows(results), [["origin", "city", "flights", "total_delay"]] + [
            [origin, city, str(count), str(delay)]
            for origin, _name, city, count, delay, _longest in JOINED_AIRPORTS])

    def test_results_spanning_pages(self):
        # 2,500 rows: the CLI follows NextToken over three pages and merges them.
        # (started with boto3 too)
        query_id = run_query(self.srv.client(), digits_query(1, 2500))["QueryExecutionId"]
        results = self.aws("get-query-results", "--query-execution-id", query_id)
        self.assertEqual(self.rows(results), digits_rows(1, 2500))
        self.assertNotIn("NextToken", results)
        # One explicit page of 10 rows hands back a token to go on with.
        page = self.aws("get-query-results", "--query-execution-id", query_id,
                        "--max-items", "10")
        self.assertEqual(self.rows(page), digits_rows(1, 9))
        self.assertIn("NextToken", page)

    def test_stop_query(self):
        client = self.srv.client()
        query_id = start_long_query(client)
        try:
            self.aws("stop-query-execution", "--query-execution-id", query_id)
            qe = self.wait(query_id, timeout=10)
            self.assertEqual(qe["Status"]["State"], "CANCELLED")
            self.assertTrue(qe["Status"]["StateChangeReason"])
        finally:
            client.stop_query_execution(QueryExecutionId=query_id)

    def test_errors_as_the_cli_reports_them(self):
        proc = self.aws("get-query-results", "--query-execution-id",
                        "11111111-2222-4333-8444-555555555555", expect_ok=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("An error occurred (InvalidRequestException) when calling the "
                      "GetQueryResults operation", proc.stderr)
        self.assertIn("11111111-2222-4333-8444-555555555555", proc.stderr)

        proc = self.aws("list-work-groups", secret="not-the-secret-000000000000000000000000",
                        expect_ok=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("(InvalidSignatureException)", proc.stderr)

        proc = self.aws("start-query-execution", "--query-string", "SELECT 1", expect_ok=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("(InvalidRequestException)", proc.stderr)
        self.assertIn("No output location provided", proc.stderr)

        query_id = start_query(self.srv.client(), "SELECT * FROM demo.no_such_table")
        qe = self.wait(query_id)
        self.assertEqual(qe["Status"]["State"], "FAILED")
        self.assertIn("no_such_table", qe["Status"]["StateChangeReason"])
        self.assertEqual(qe["Status"]["AthenaError"]["ErrorCategory"], 2)


class AwsCliV1Test(AwsCliMixin, unittest.TestCase):
    version_prefix = "aws-cli/1."

    @classmethod
    def setUpClass(cls):
        cls.aws_path = find_v1()
        if cls.aws_path is None:
            raise AssertionError("AWS CLI v1 not found: no `aws` on PATH reports aws-cli/1.x")
        super().setUpClass()


class AwsCliV2Test(AwsCliMixin, unittest.TestCase):
    version_prefix = "aws-cli/2."

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(V2_PATH):
            raise unittest.SkipTest(f"AWS CLI v2 not installed ({V2_PATH} missing; "
                                    "apt-get install awscli)")
        cls.aws_path = V2_PATH
        super().setUpClass()


if __name__ == "__main__":
    unittest.main()
