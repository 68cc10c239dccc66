# The connector's IAM story end to end on athena-local, set up with the
# stock AWS CLI v2 (/usr/bin/aws) the way a user would on AWS:
#   1. dot_athena_user with AmazonAthenaFullAccess, AWSGlueConsoleFullAccess
#      and an S3 read policy: `athena connect` with its keys (secret on
#      stdin), the doctor passes, `athena query` works.
#   2. the seed's restricted policy, verbatim (athena Start/Stop/
#      GetQueryExecution and GetQueryResults on the workgroup; glue
#      GetDatabase/GetTable/GetPartitions; s3 GetObject/ListBucket on the
#      data bucket): the doctor reports exactly the result-location write
#      gap; with a managed-results workgroup queries succeed and the doctor
#      passes; ListWorkGroups and glue:GetTables are denied with AWS-shaped
#      messages, and `athena tables` falls back to athena_tables.

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402

AWS_CLI_V2 = "/usr/bin/aws"
REGION = "us-east-1"


def seed_policy(account, workgroup):
    """The seed's minimal connector policy, as the design gives it."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow",
             "Action": ["athena:StartQueryExecution", "athena:StopQueryExecution",
                        "athena:GetQueryExecution", "athena:GetQueryResults"],
             "Resource": f"arn:aws:athena:{REGION}:{account}:workgroup/{workgroup}"},
            {"Effect": "Allow",
             "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
             "Resource": [f"arn:aws:glue:{REGION}:{account}:catalog",
                          f"arn:aws:glue:{REGION}:{account}:database/sales",
                          f"arn:aws:glue:{REGION}:{account}:table/sales/*"]},
            {"Effect": "Allow",
             "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::dot-data", "arn:aws:s3:::dot-data/*"]},
        ],
    }


S3_READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::dot-data", "arn:aws:s3:::dot-data/*"]}],
}


class SeedIamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        if not os.access(AWS_CLI_V2, os.X_OK):
            raise AssertionError(f"the AWS CLI v2 is required at {AWS_CLI_V2}")
        cls.server_cm = athena_local()
        srv = cls.srv = cls.server_cm.__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="athena-seed-iam-")
        cls.account = cls.aws_root(["sts", "get-caller-identity"])["Account"]
        cls.results_bucket = f"aws-athena-query-results-{cls.account}-{REGION}"
        s3 = srv.client("s3")
        for bucket in ("dot-data", cls.results_bucket, "dot-results"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="dot-data", Key="orders/part-0.csv", Body=b"1,apple\n2,pear\n")
        athena = srv.client()
        run_query(athena, "CREATE DATABASE sales", output=f"s3://{cls.results_bucket}/setup/")
        run_query(athena, "CREATE EXTERNAL TABLE sales.orders (id int, item string) "
                          "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                          "LOCATION 's3://dot-data/orders/'",
                  output=f"s3://{cls.results_bucket}/setup/")
        cls.aws_root(["athena", "create-work-group", "--name", "dot_wg", "--configuration",
                      "ResultConfiguration={OutputLocation=s3://dot-results/dot/}"])
        # The AWS CLI v2 of the image predates managed query results: a raw
        # signed CreateWorkGroup carries the setting.
        status, _, body = srv.signed_request(
            target="AmazonAthena.CreateWorkGroup",
            body={"Name": "dot_managed",
                  "Configuration": {"ManagedQueryResultsConfiguration": {"Enabled": True}}})
        if status != 200:
            raise AssertionError(f"CreateWorkGroup dot_managed: {status} {body}")

    @classmethod
    def tearDownClass(cls):
        cls.server_cm.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- the AWS CLI ----

    @classmethod
    def aws(cls, args, key_id, secret, check=True):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cls.tmp,
               "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret,
               "AWS_DEFAULT_REGION": REGION, "AWS_PAGER": "",
               "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
               "NO_PROXY": "127.0.0.1,localhost"}
        proc = subprocess.run([AWS_CLI_V2, "--endpoint-url", cls.srv.url, "--output", "json",
                               *args], env=env, capture_output=True, text=True, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({proc.returncode}): "
                                 f"{proc.stderr}")
        if not check:
            return proc
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    @classmethod
    def aws_root(cls, args):
        return cls.aws(args, cls.srv.access_key_id, cls.srv.secret_access_key)

    def create_user(self, name, managed=(), inline=None):
        self.aws_root(["iam", "create-user", "--user-name", name])
        for policy in managed:
            self.aws_root(["iam", "attach-user-policy", "--user-name", name, "--policy-arn",
                           f"arn:aws:iam::aws:policy/{policy}"])
        for policy_name, doc in (inline or {}).items():
            self.aws_root(["iam", "put-user-policy", "--user-name", name, "--policy-name",
                           policy_name, "--policy-document", json.dumps(doc)])
        key = self.aws_root(["iam", "create-access-key", "--user-name", name])["AccessKey"]
        self.assertEqual(key["UserName"], name)
        return key

    # ---- the athena CLI ----

    def home_for(self, name):
        home = os.path.join(self.tmp, name)
        os.makedirs(home, exist_ok=True)
        return home

    def connect(self, home, key, workgroup, output_location=None, tables="orders"):
        args = ["connect", "dot", "--secret-stdin", "--access-key-id", key["AccessKeyId"],
                "--region", REGION, "--endpoint-url", self.srv.url, "--workgroup", workgroup,
                "--database", "sales", "--output", "json"]
        if output_location:
            args += ["--output-location", output_location]
        rc, out, err = harness.run_athena(args, input=key["SecretAccessKey"] + "\n",
                                          home=home)
        self.assertNotIn(key["SecretAccessKey"], out + err)
        if tables:  # the tables the connector reads, for the doctor's Glue and S3 checks
            with open(os.path.join(home, ".aws", "config"), "a") as f:
                f.write(f"athena_tables = {tables}\n")
        return rc, json.loads(out), err

    def doctor(self, home, key):
        rc, out, err = harness.run_athena(["doctor", "--profile", "dot", "--output", "json"],
                                          home=home)
        self.assertNotIn(key["SecretAccessKey"], out + err)
        report = json.loads(out)
        return rc, report, {c["name"]: c for c in report["checks"]}

    def athena(self, home, *args):
        return harness.run_athena(["--profile", "dot", *args], home=home)

    # ---- tests ----

    def test_full_access_user(self):
        key = self.create_user("dot_athena_user",
                               managed=("AmazonAthenaFullAccess", "AWSGlueConsoleFullAccess"),
                               inline={"s3-read": S3_READ_POLICY})
        home = self.home_for("full")
        rc, report, err = self.connect(home, key, "primary",
                                       f"s3://{self.results_bucket}/dot/")
        self.assertEqual(rc, 0, json.dumps(report, indent=1) + err)
        rc, report, checks = self.doctor(home, key)
        self.assertEqual(rc, 0, json.dumps(report, indent=1))
        self.assertEqual(report["identity"],
                         f"arn:aws:iam::{self.account}:user/dot_athena_user")
        self.assertTrue(checks["s3:GetObject s3://dot-data/orders/part-0.csv"]["ok"])
        rc, out, err = self.athena(home, "--output", "csv", "query",
                                   "SELECT count(*) AS n FROM sales.orders")
        self.assertEqual((rc, out), (0, "n\n2\n"), err)

    def test_seed_policy_lacks_exactly_the_result_writes(self):
        key = self.create_user("dot_seed_user",
                               inline={"connector": seed_policy(self.account, "dot_wg")})
        home = self.home_for("seed")
        self.connect(home, key, "dot_wg")
        rc, report, checks = self.doctor(home, key)
        self.assertEqual(rc, 4, json.dumps(report, indent=1))
        failed = [c["name"] for c in report["checks"] if not c["ok"]]
        self.assertEqual(failed, ["write query results"], json.dumps(report, indent=1))
        gap = checks["write query results"]
        self.assertEqual(gap["missing_permission"], "s3:PutObject on arn:aws:s3:::dot-results/dot/*")
        self.assertIn("Access denied when writing output", gap["detail"])
        self.assertIn("managed query results", gap["fix"])
        # GetWorkGroup is not in the seed: a warning only.
        self.assertTrue(checks["workgroup"]["ok"])
        self.assertTrue(checks["workgroup"].get("warning"))
        # `athena policy check` agrees with the live doctor.
        policy = os.path.join(home, "seed.json")
        with open(policy, "w") as f:
            json.dump(seed_policy(self.account, "dot_wg"), f)
        rc, out, err = harness.run_athena(
            ["policy", "check", policy, "--workgroup", "dot_wg", "--data-bucket", "dot-data",
             "--results", "s3://dot-results/dot/", "--region", REGION, "--account",
             self.account, "--database", "sales", "--output", "json"], home=home)
        self.assertEqual(rc, 4, out + err)
        denied = [c["name"] for c in json.loads(out)["capabilities"]
                  if c["required"] and not c["allowed"]]
        self.assertEqual(denied, ["write results to the output location"])

    def test_seed_policy_with_managed_results(self):
        key = self.create_user("dot_managed_user",
                               inline={"connector": seed_policy(self.account, "dot_managed")})
        home = self.home_for("managed")
        rc, report, err = self.connect(home, key, "dot_managed")
        rc, report, checks = self.doctor(home, key)
        self.assertEqual(rc, 0, json.dumps(report, indent=1))
        self.assertIn("managed query results", checks["write query results"]["detail"])
        rc, out, err = self.athena(home, "--output", "csv", "query",
                                   "SELECT item FROM sales.orders ORDER BY id")
        self.assertEqual((rc, out), (0, "item\napple\npear\n"), err)
        # What the seed does not allow is denied the way AWS words it:
        # another workgroup,
        rc, out, err = self.athena(home, "--workgroup", "primary", "query", "SELECT 1")
        self.assertEqual(rc, 4, out + err)
        self.assertIn(f"User: arn:aws:iam::{self.account}:user/dot_managed_user is not "
                      "authorized to perform: athena:StartQueryExecution on resource: "
                      f"arn:aws:athena:us-east-1:{self.account}:workgroup/primary", err)
        # listing workgroups, and listing tables.
        proc = self.aws(["athena", "list-work-groups"], key["AccessKeyId"],
                        key["SecretAccessKey"], check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("AccessDeniedException", proc.stderr)
        self.assertIn(f"User: arn:aws:iam::{self.account}:user/dot_managed_user is not "
                      "authorized to perform: athena:ListWorkGroups", proc.stderr)
        proc = self.aws(["glue", "get-tables", "--database-name", "sales"], key["AccessKeyId"],
                        key["SecretAccessKey"], check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("AccessDeniedException", proc.stderr)
        self.assertIn("is not authorized to perform: glue:GetTables", proc.stderr)
        # The CLI falls back to the profile's tables and says why.
        rc, out, err = self.athena(home, "--output", "csv", "tables")
        self.assertEqual(rc, 0, err)
        self.assertIn("orders", out)
        self.assertIn("glue:GetTables", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
