# Secrets never reach the terminal: every athena command, run with --debug
# against athena-local (successes and failures, credentials from a profile
# written by `athena connect` and from the environment), must not print
# the secret access key, nor a recognizable piece of it, on stdout or
# stderr. --debug traces every request, so this also covers the signer's
# and the transport's logging.

import os
import shutil
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402

WRONG_SECRET = "wrongSecretWrongSecretWrongSecret0123456"


def pieces(secret):
    """The secret, its encodings, and its halves: none may appear."""
    half = len(secret) // 2
    return {secret, urllib.parse.quote(secret, safe=""), secret[:half], secret[half:],
            secret[:12], secret[-12:]}


class SecretHygieneTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        cls.server_cm = athena_local()
        srv = cls.srv = cls.server_cm.__enter__()
        s3 = srv.client("s3")
        for bucket in ("results", "data"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="data", Key="t/year=2024/part-0.csv", Body=b"1,a\n")
        athena = srv.client()
        run_query(athena, "CREATE DATABASE sales")
        run_query(athena, "CREATE EXTERNAL TABLE sales.t (id int, name string) "
                          "PARTITIONED BY (year string) "
                          "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://data/t/'")
        run_query(athena, "MSCK REPAIR TABLE sales.t")
        cls.home = tempfile.mkdtemp(prefix="athena-hygiene-")
        cls.sql_file = os.path.join(cls.home, "q.sql")
        with open(cls.sql_file, "w") as f:
            f.write("SELECT 1 AS one")
        cls.policy_file = os.path.join(cls.home, "policy.json")
        with open(cls.policy_file, "w") as f:
            f.write('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
                    ' "Action": "athena:*", "Resource": "*"}]}')

    @classmethod
    def tearDownClass(cls):
        cls.server_cm.__exit__(None, None, None)
        shutil.rmtree(cls.home, ignore_errors=True)

    def run_cli(self, args, input=None, env=None, secrets=None):
        rc, out, err = harness.run_athena(["--debug", *args], input=input, env=env,
                                          home=self.home)
        for piece in pieces(self.srv.secret_access_key) | set(secrets or ()):
            self.assertNotIn(piece, out, f"athena {args} printed a secret on stdout")
            self.assertNotIn(piece, err, f"athena {args} printed a secret on stderr")
        return rc, out, err

    def test_every_command(self):
        srv = self.srv
        rc, out, err = self.run_cli(
            ["connect", "dot", "--secret-stdin", "--access-key-id", srv.access_key_id,
             "--region", "us-east-1", "--endpoint-url", srv.url,
             "--output-location", "s3://results/hygiene/", "--database", "sales"],
            input=srv.secret_access_key + "\n")
        self.assertEqual(rc, 0, err)
        self.assertIn("Authorization: AWS4-HMAC-SHA256", err)  # --debug really traced
        profile = ["--profile", "dot"]
        rc, out, err = self.run_cli([*profile, "--output", "csv", "query", "SELECT 1 AS one"])
        self.assertEqual(rc, 0, err)
        rc, out, err = self.run_cli([*profile, "--output", "json", "query", "-f", self.sql_file])
        self.assertEqual(rc, 0, err)
        rc, out, err = self.run_cli([*profile, "history", "--output", "csv", "--max-rows", "1"])
        self.assertEqual(rc, 0, err)
        query_id = out.splitlines()[1].split(",")[0]
        commands = [
            ["results", query_id], ["status", query_id], ["status", query_id, "--output", "json"],
            ["cancel", query_id], ["databases"], ["tables"], ["describe", "t"],
            ["partitions", "t"], ["doctor"], ["doctor", "--output", "json"],
            ["query", "SELECT * FROM sales.no_such_table"],
        ]
        for args in commands:
            self.run_cli([*profile, *args])
        for args in (["version"], ["--help"], ["connect", "--help"],
                     ["policy", "generate", "--workgroup", "w", "--data-bucket", "b",
                      "--managed-results", "--region", "us-east-1", "--account", "123456789012"],
                     ["policy", "check", self.policy_file, "--workgroup", "w", "--data-bucket",
                      "b", "--managed-results", "--region", "us-east-1", "--account",
                      "123456789012"]):
            self.run_cli(args)

    def test_environment_credentials_and_failures(self):
        srv = self.srv
        env = {"AWS_ACCESS_KEY_ID": srv.access_key_id,
               "AWS_SECRET_ACCESS_KEY": srv.secret_access_key,
               "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": srv.url}
        rc, out, err = self.run_cli(["--output-location", "s3://results/env/", "query",
                                     "SELECT 2"], env=env)
        self.assertEqual(rc, 0, err)
        self.run_cli(["doctor", "--output-location", "s3://results/env/"], env=env)
        # A wrong secret: rejected, and neither secret is printed.
        env["AWS_SECRET_ACCESS_KEY"] = WRONG_SECRET
        for args in (["query", "SELECT 3"], ["doctor"], ["databases"]):
            rc, out, err = self.run_cli(args, env=env, secrets=pieces(WRONG_SECRET))
            self.assertNotEqual(rc, 0)
        # A secret given where it must not be: refused without echoing it.
        rc, out, err = self.run_cli(["connect", "x", f"--secret-access-key={WRONG_SECRET}"],
                                    secrets=pieces(WRONG_SECRET))
        self.assertEqual(rc, 2)
        # A malformed secret on stdin: refused without echoing it.
        rc, out, err = self.run_cli(
            ["connect", "x", "--secret-stdin", "--access-key-id", srv.access_key_id,
             "--region", "us-east-1"], input="has space " + WRONG_SECRET + "\n",
            secrets=pieces(WRONG_SECRET))
        self.assertEqual(rc, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
