# `athena doctor` end to end: against athena-local with the root keys
# (everything passes, text and JSON), against broken setups (no
# configuration, an unknown table, an unreachable endpoint or proxy, no
# result location), and against moto_server with IAM on for users who lack
# permissions: each ✗ names the exact missing permission, a denied
# athena:GetWorkGroup is only a warning, and the identity is inferred from
# an Athena denial when STS cannot say. Secrets never
# appear in the output.

import json
import os
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402

CHECK_KEYS = {"name", "ok", "detail", "fix", "missing_permission"}


def write_profile(home, name, settings, key_id, secret):
    aws = os.path.join(home, ".aws")
    os.makedirs(aws, mode=0o700, exist_ok=True)
    header = "[default]" if name == "default" else f"[profile {name}]"
    with open(os.path.join(aws, "config"), "a") as f:
        f.write(header + "\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    with open(os.path.join(aws, "credentials"), "a") as f:
        f.write(f"[{name}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    os.chmod(os.path.join(aws, "credentials"), 0o600)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DoctorLocalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        cls.server_cm = athena_local()
        srv = cls.srv = cls.server_cm.__enter__()
        s3 = srv.client("s3")
        for bucket in ("results", "data"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="data", Key="orders/part-0.csv", Body=b"1,apple\n2,pear\n")
        athena = srv.client()
        run_query(athena, "CREATE DATABASE sales")
        run_query(athena, "CREATE EXTERNAL TABLE sales.orders (id int, item string) "
                          "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                          "LOCATION 's3://data/orders/'")

    @classmethod
    def tearDownClass(cls):
        cls.server_cm.__exit__(None, None, None)

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="athena-doctor-")

    def tearDown(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def profile(self, **overrides):
        settings = {"region": "us-east-1", "endpoint_url": self.srv.url,
                    "athena_output_location": "s3://results/doctor/",
                    "athena_database": "sales", "athena_tables": "orders"}
        settings.update(overrides)
        settings = {k: v for k, v in settings.items() if v is not None}
        write_profile(self.home, "dot", settings, self.srv.access_key_id,
                      self.srv.secret_access_key)

    def doctor(self, *args, env=None):
        rc, out, err = harness.run_athena(["doctor", "--profile", "dot", *args],
                                          home=self.home, env=env)
        self.assertNotIn(self.srv.secret_access_key, out + err)
        return rc, out, err

    def doctor_json(self, *args, env=None):
        rc, out, err = self.doctor("--output", "json", *args, env=env)
        report = json.loads(out)
        for check in report["checks"]:
            self.assertTrue(CHECK_KEYS <= set(check), check)
        self.assertEqual(report["ok"], rc == 0, out)
        return rc, report, {c["name"]: c for c in report["checks"]}

    def test_everything_passes_with_root_keys(self):
        self.profile()
        rc, out, err = self.doctor()
        self.assertEqual(rc, 0, out + err)
        for line in ("\u2713 athena:StartQueryExecution", "\u2713 athena:GetQueryExecution",
                     "\u2713 athena:GetQueryResults: read the result: _col0 = 1",
                     "\u2713 athena:StopQueryExecution", "\u2713 write query results",
                     "\u2713 glue:GetDatabase sales", "\u2713 glue:GetTable sales.orders",
                     "\u2713 glue:GetPartitions sales.orders",
                     "\u2713 s3:ListBucket s3://data/orders/",
                     "\u2713 s3:GetObject s3://data/orders/part-0.csv",
                     "\u2713 clock skew", "\u2713 workgroup: primary: state ENABLED"):
            self.assertIn(line, out)
        self.assertIn(f"key id {self.srv.access_key_id}", out)
        self.assertIn("resolves to 127.0.0.1", out)
        self.assertIn("Verdict: everything the connector needs works", out)
        self.assertNotIn("\u2717", out)

    def test_json_report(self):
        self.profile()
        rc, report, checks = self.doctor_json()
        self.assertEqual(rc, 0, report)
        self.assertTrue(report["ok"])
        self.assertTrue(all(c["ok"] for c in report["checks"]))
        self.assertIn("write query results", checks)
        self.assertIsNone(checks["athena:StartQueryExecution"]["missing_permission"])

    def test_unknown_table_and_database(self):
        self.profile(athena_tables="orders, nosuch")
        rc, report, checks = self.doctor_json()
        self.assertEqual(rc, 3)
        self.assertTrue(checks["glue:GetTable sales.orders"]["ok"])
        bad = checks["glue:GetTable sales.nosuch"]
        self.assertFalse(bad["ok"])
        self.assertIn("EntityNotFoundException", bad["detail"])
        self.assertIn("athena_tables", bad["fix"])

    def test_no_configuration(self):
        rc, out, err = self.doctor()
        self.assertEqual(rc, 3, out + err)
        self.assertIn("\u2717 configuration", out)
        self.assertIn("could not be found", out)

    def test_no_result_location(self):
        self.profile(athena_output_location=None)
        rc, report, checks = self.doctor_json()
        self.assertNotEqual(rc, 0)
        failed = [c for c in report["checks"] if not c["ok"]]
        self.assertTrue(failed, report)
        self.assertIn("output location", (failed[0]["detail"] + failed[0]["fix"]).lower())

    def test_unreachable_endpoint(self):
        self.profile(endpoint_url=f"http://127.0.0.1:{closed_port()}")
        rc, out, err = self.doctor()
        self.assertEqual(rc, 5, out + err)
        self.assertIn("\u2717 endpoint (athena, glue, s3, sts)", out)
        self.assertIn("cannot connect to 127.0.0.1", out)

    def test_proxy_is_shown_without_its_password(self):
        self.profile()
        proxy = f"http://user:hunter2pw@127.0.0.1:{closed_port()}"
        rc, out, err = self.doctor(env={"http_proxy": proxy})
        self.assertNotEqual(rc, 0)
        self.assertIn("proxy http://***@127.0.0.1", out)
        self.assertNotIn("hunter2pw", out + err)
        rc, out, err = self.doctor(env={"http_proxy": proxy, "NO_PROXY": "localhost,127.0.0.1"})
        self.assertEqual(rc, 0, out + err)
        self.assertIn("proxy none", out)

    def test_wrong_secret(self):
        write_profile(self.home, "dot", {"region": "us-east-1", "endpoint_url": self.srv.url},
                      self.srv.access_key_id, "x" * 40)
        rc, out, err = harness.run_athena(["doctor", "--profile", "dot"], home=self.home)
        self.assertEqual(rc, 4, out + err)
        self.assertIn("SignatureDoesNotMatch", out)
        self.assertNotIn("x" * 40, out + err)


SETUP_POLICY_ACTIONS = ["athena:StartQueryExecution", "athena:GetQueryExecution",
                        "athena:GetQueryResults", "glue:GetDatabase"]


class DoctorMotoTest(unittest.TestCase):
    """moto_server verifies SigV4 and evaluates IAM (resource "*")."""

    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        cls.moto = harness.start_moto(no_auth_count=10_000)
        iam = cls.moto.boto3_client("iam")
        iam.create_user(UserName="limited")
        iam.put_user_policy(UserName="limited", PolicyName="connector", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": SETUP_POLICY_ACTIONS, "Resource": "*"}]}))
        cls.key = iam.create_access_key(UserName="limited")["AccessKey"]
        cls.moto.boto3_client("s3").create_bucket(Bucket="results")
        cls.moto.boto3_client("glue").create_database(DatabaseInput={"Name": "sales"})
        cls.moto.require_auth_now()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def doctor(self, env=None):
        home = tempfile.mkdtemp(prefix="athena-doctor-moto-")
        try:
            key = self.key
            write_profile(home, "dot", {"region": "us-east-1", "endpoint_url": self.moto.url,
                                        "athena_output_location": "s3://results/doctor/",
                                        "athena_database": "sales"},
                          key["AccessKeyId"], key["SecretAccessKey"])
            rc, out, err = harness.run_athena(["doctor", "--profile", "dot", "--output", "json"],
                                              home=home, env=env)
            self.assertNotIn(key["SecretAccessKey"], out + err)
            report = json.loads(out)
            return rc, report, {c["name"]: c for c in report["checks"]}
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def test_missing_stop_permission(self):
        rc, report, checks = self.doctor()
        self.assertEqual(rc, 4, report)
        self.assertFalse(report["ok"])
        self.assertEqual(report["identity"], "arn:aws:iam::123456789012:user/limited")
        stop = checks["athena:StopQueryExecution"]
        self.assertFalse(stop["ok"])
        self.assertEqual(stop["missing_permission"],
                         "athena:StopQueryExecution on "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/primary")
        self.assertIn('"Action": "athena:StopQueryExecution"', stop["fix"])
        self.assertIn("user/limited", stop["fix"])
        # GetWorkGroup is denied too, but the connector does not need it.
        wg = checks["workgroup"]
        self.assertTrue(wg["ok"])
        self.assertTrue(wg.get("warning"))
        self.assertTrue(wg["missing_permission"].startswith("athena:GetWorkGroup on "))
        for name in ("athena:StartQueryExecution", "athena:GetQueryExecution",
                     "glue:GetDatabase sales", "credentials"):
            self.assertTrue(checks[name]["ok"], checks[name])
        failed = sorted(c["name"] for c in report["checks"] if not c["ok"])
        self.assertEqual(failed, ["athena:StopQueryExecution"])

    def test_identity_from_an_athena_denial(self):
        # With STS out of reach (as when a proxy or policy blocks it), the
        # identity comes from the first denial message.
        rc, report, checks = self.doctor(
            env={"AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{closed_port()}"})
        self.assertEqual(rc, 5, report)  # the STS endpoint check fails first
        self.assertTrue(checks["credentials"].get("warning"), checks["credentials"])
        self.assertEqual(report["identity"], "arn:aws:iam::123456789012:user/limited")
        self.assertIn("user/limited", checks["athena:StopQueryExecution"]["fix"])
        self.assertFalse(checks["endpoint (sts)"]["ok"])

if __name__ == "__main__":
    unittest.main(verbosity=2)
