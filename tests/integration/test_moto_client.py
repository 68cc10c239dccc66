# The athena CLI against moto_server with SigV4 verification and IAM on.
#
# moto is a server no one here wrote: it recomputes every request's SigV4
# signature from the IAM user's secret and evaluates the user's policy
# (the seed policy from DESIGN.md). We inject a realistic >2,500-row SELECT
# result through moto's /moto-api and check that `athena query/status/
# results` print it exactly (jsonl typing, RFC 4180 CSV), that credentials
# come from env or ~/.aws files, and that bad secrets, denied actions and
# --debug behave: right exit code, one clear line, no secret or signature.

import csv
import datetime
import io
import json
import os
import re
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import botocore.exceptions  # noqa: E402

REGION = "us-east-1"
BUCKET = "athena-results-itest"
OUTPUT_LOCATION = f"s3://{BUCKET}/results/"
SQL = "SELECT id, name, score, active, price, day, note FROM sales.people"

SEED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow",
         "Action": ["athena:StartQueryExecution", "athena:StopQueryExecution",
                    "athena:GetQueryExecution", "athena:GetQueryResults"],
         "Resource": "*"},
        {"Effect": "Allow",
         "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": "*"},
    ],
}
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

# Calls made while moto lets requests through unauthenticated: 2 users x
# (CreateUser, CreateAccessKey, PutUserPolicy) + CreateBucket.
SETUP_CALLS = 7

# --------------------------------------------------------------------------
# The injected result: what real Athena returns for SQL above.
# --------------------------------------------------------------------------

DATA_ROWS = 2600

# (name, Athena type, Precision, Scale, CaseSensitive)
COLUMNS = [
    ("id", "bigint", 19, 0, False),
    ("name", "varchar", 2147483647, 0, True),
    ("score", "double", 17, 0, False),
    ("active", "boolean", 0, 0, False),
    ("price", "decimal", 10, 2, False),
    ("day", "date", 0, 0, False),
    ("note", "varchar", 2147483647, 0, True),
]
COLUMN_NAMES = [c[0] for c in COLUMNS]


def column_info():
    return [{"CatalogName": "hive", "SchemaName": "", "TableName": "",
             "Name": name, "Label": name, "Type": typ, "Precision": precision,
             "Scale": scale, "Nullable": "UNKNOWN", "CaseSensitive": case}
            for name, typ, precision, scale, case in COLUMNS]


def row_text(i):
    """The VarCharValue of each column of data row i (None = SQL NULL)."""
    if i == 0:
        ident = "9223372036854775807"
    elif i == 1:
        ident = "-9223372036854775808"
    elif i % 13 == 6:
        ident = None
    else:
        ident = str(i * 1000 + 7)
    name = f"Zürich – 東京 🚀 {i}" if i % 5 == 3 else f"user_{i:05d}"
    if i == 2:
        score = "1.0E-5"
    elif i == 4:
        score = "1.2345678901234567E8"
    elif i % 11 == 5:
        score = None
    else:
        score = repr(i * 0.25 - 100.0)
    active = None if i % 17 == 3 else ("true" if i % 2 == 0 else "false")
    price = None if i % 19 == 7 else f"{i}.{i % 100:02d}"
    day = (datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 366)).isoformat()
    note = [None, "", f'say "hi", then\nleave {i}', f"naïve café ✓ {i}",
            "comma,only", f"plain {i}", f"cr\r\nlf {i}"][i % 7]
    return [ident, name, score, active, price, day, note]


ROWS_TEXT = [row_text(i) for i in range(DATA_ROWS)]


def athena_rows():
    header = {"Data": [{"VarCharValue": n} for n in COLUMN_NAMES]}
    data = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]}
            for row in ROWS_TEXT]
    return [header] + data


RESULT = {"rows": athena_rows(), "column_info": column_info()}


def expected_json_row(row):
    ident, name, score, active, price, day, note = row
    return {
        "id": None if ident is None else int(ident),
        "name": name,
        "score": None if score is None else float(score),
        "active": None if active is None else active == "true",
        "price": price,
        "day": day,
        "note": note,
    }


def csv_field(value):
    if value is None:
        return ""
    if value == "" or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def expected_csv_records():
    return [",".join(csv_field(v) for v in COLUMN_NAMES)] + [
        ",".join(csv_field(v) for v in row) for row in ROWS_TEXT]


HEX64 = re.compile(r"[0-9a-fA-F]{64}")


class MotoClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = harness.start_moto(no_auth_count=SETUP_CALLS)
        cls.addClassCleanup(cls.moto.__exit__, None, None, None)
        iam = cls.moto.boto3_client("iam")
        cls.key_id, cls.secret = cls._make_user(iam, "dot-app", SEED_POLICY)
        cls.admin_key_id, cls.admin_secret = cls._make_user(iam, "itest-admin", ADMIN_POLICY)
        cls.moto.boto3_client("s3").create_bucket(Bucket=BUCKET)
        cls.moto.require_auth_now()

    @staticmethod
    def _make_user(iam, name, policy):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy",
                            PolicyDocument=json.dumps(policy))
        return key["AccessKeyId"], key["SecretAccessKey"]

    # -- helpers -----------------------------------------------------------

    def cred_env(self, secret=None, key_id=None):
        return {"AWS_ACCESS_KEY_ID": key_id or self.key_id,
                "AWS_SECRET_ACCESS_KEY": secret or self.secret}

    def base_args(self, region=True):
        args = ["--endpoint-url", self.moto.url]
        if region:
            args += ["--region", REGION]
        return args + ["--output-location", OUTPUT_LOCATION]

    def athena(self, args, **kw):
        harness.require_athena(self)
        return harness.run_athena(args, **kw)

    def admin(self, service):
        return self.moto.boto3_client(service, self.admin_key_id, self.admin_secret)

    def user(self, service, secret=None):
        return self.moto.boto3_client(service, self.key_id, secret or self.secret)

    def assert_ok(self, rc, err):
        self.assertEqual(rc, 0, f"athena failed (rc={rc}); stderr:\n{err}\n"
                                f"moto log tail:\n{self.moto.log_text(1500)}")

    def assert_no_secrets(self, *texts):
        for text in texts:
            self.assertNotIn(self.secret, text)
            self.assertNotIn(self.admin_secret, text)

    def assert_one_error_line(self, err):
        lines = err.strip().splitlines()
        errors = [ln for ln in lines if ln.startswith("athena: error: ")]
        self.assertEqual(len(errors), 1, f"want one 'athena: error:' line:\n{err}")
        self.assertLessEqual(len(lines), 2, f"want error + optional hint only:\n{err}")
        if len(lines) == 2:
            self.assertTrue(lines[1].startswith("hint: "), err)
        self.assertNotIn("<?xml", err)
        self.assertNotIn("<ErrorResponse>", err)
        return errors[0]

    def assert_jsonl(self, out):
        self.assertTrue(out.endswith("\n"), "jsonl output must end with a newline")
        lines = out.split("\n")[:-1]
        self.assertEqual(len(lines), DATA_ROWS, "one line per data row, header skipped")
        for i, line in enumerate(lines):
            pairs = json.loads(line, object_pairs_hook=lambda p: p)
            self.assertEqual([k for k, _ in pairs], COLUMN_NAMES, f"row {i} keys")
            got = dict(pairs)
            want = expected_json_row(ROWS_TEXT[i])
            self.assertEqual(got, want, f"row {i}: {line}")
            for key in COLUMN_NAMES:
                if want[key] is None:
                    continue
                self.assertIs(type(got[key]), type(want[key]),
                              f"row {i} column {key}: {line}")
        # The cases the brief singles out, spelled out.
        first = json.loads(lines[0])
        self.assertEqual(first["id"], 9223372036854775807)
        self.assertEqual(json.loads(lines[1])["id"], -9223372036854775808)
        self.assertIsNone(json.loads(lines[7])["note"])      # NULL
        self.assertEqual(json.loads(lines[8])["note"], "")   # empty string
        self.assertIsNone(json.loads(lines[6])["id"])        # NULL bigint
        self.assertIs(first["active"], True)
        self.assertEqual(json.loads(lines[2])["score"], 1.0e-5)

    def assert_csv(self, out):
        records = expected_csv_records()
        self.assertTrue(out.startswith(records[0].encode()), out[:200])
        eol = b"\r\n" if out[len(records[0]):].startswith(b"\r\n") else b"\n"
        want = b"".join(r.encode() + eol for r in records)
        text = out.decode("utf-8")
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(len(parsed), DATA_ROWS + 1, "header + one record per row")
        for n in range(16):   # every note/NULL variant, with readable diffs
            start = sum(len(r.encode()) + len(eol) for r in records[:n])
            self.assertEqual(out[start:start + len(records[n].encode()) + len(eol)],
                             records[n].encode() + eol, f"CSV record {n}")
        self.assertEqual(out, want)

    def run_query(self, extra, env=None, **kw):
        self.moto.inject_athena_results([RESULT])
        return self.athena(self.base_args() + extra + ["query", SQL],
                           env=env if env is not None else self.cred_env(), **kw)

    # -- tests -------------------------------------------------------------

    def test_00_moto_checks_signatures_and_policy(self):
        """Preconditions: without these, the CLI tests below prove nothing."""
        self.moto.inject_athena_results([RESULT])
        athena = self.user("athena")
        qid = athena.start_query_execution(
            QueryString=SQL, ResultConfiguration={"OutputLocation": OUTPUT_LOCATION},
            ClientRequestToken="itest-precondition-0000000000000000")["QueryExecutionId"]
        self.assertEqual(athena.get_query_execution(QueryExecutionId=qid)
                         ["QueryExecution"]["Status"]["State"], "SUCCEEDED")
        rs = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]
        self.assertEqual(rs["Rows"], RESULT["rows"])
        self.assertEqual(rs["ResultSetMetadata"]["ColumnInfo"], column_info())
        with self.assertRaises(botocore.exceptions.ClientError) as bad:
            self.user("athena", secret="x" * 40).get_query_execution(QueryExecutionId=qid)
        self.assertIn("SignatureDoesNotMatch", str(bad.exception))
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            athena.list_query_executions()
        self.assertIn("athena:ListQueryExecutions", str(denied.exception))

    def test_query_jsonl_with_env_credentials(self):
        rc, out, err = self.run_query(["--output", "jsonl"])
        self.assert_ok(rc, err)
        self.assert_jsonl(out)
        self.assert_no_secrets(out, err)
        athena = self.admin("athena")
        last = athena.list_query_executions()["QueryExecutionIds"][-1]
        execution = athena.get_query_execution(QueryExecutionId=last)["QueryExecution"]
        self.assertEqual(execution["Query"], SQL)
        self.assertEqual(execution["ResultConfiguration"]["OutputLocation"],
                         f"{OUTPUT_LOCATION}{last}.csv")

    def test_query_csv(self):
        rc, out, err = self.run_query(["--output", "csv"], text=False)
        self.assert_ok(rc, err.decode("utf-8", "replace"))
        self.assert_csv(out)

    def run_with_profile_files(self, creds_mode):
        home = self.enterContext(tempfile.TemporaryDirectory(prefix="athena-home-"))
        aws = os.path.join(home, ".aws")
        os.mkdir(aws, 0o700)
        creds = os.path.join(aws, "credentials")
        with open(creds, "w") as f:
            f.write("[default]\naws_access_key_id = AKIADEFAULTDEFAULT00\n"
                    "aws_secret_access_key = not-the-right-one\n\n"
                    f"[work]\naws_access_key_id = {self.key_id}\n"
                    f"aws_secret_access_key = {self.secret}\n")
        os.chmod(creds, creds_mode)
        with open(os.path.join(aws, "config"), "w") as f:
            f.write("[default]\nregion = eu-west-3\n\n"
                    f"[profile work]\nregion = {REGION}\n")
        self.assertEqual(stat.S_IMODE(os.stat(creds).st_mode), creds_mode)
        self.moto.inject_athena_results([RESULT])
        rc, out, err = self.athena(
            ["--profile", "work"] + self.base_args(region=False)
            + ["--output", "jsonl", "query", SQL], env={}, home=home)
        self.assert_ok(rc, err)
        self.assert_jsonl(out)
        self.assert_no_secrets(out, err)
        return creds, err

    def test_profile_from_credentials_and_config_files(self):
        _, err = self.run_with_profile_files(0o600)
        self.assertNotIn("athena: warning:", err)

    def test_group_readable_credentials_file_is_warned_about(self):
        creds, err = self.run_with_profile_files(0o644)
        warnings = [ln for ln in err.splitlines() if ln.startswith("athena: warning:")]
        self.assertEqual(len(warnings), 1, err)
        self.assertIn(creds, warnings[0])

    def test_wrong_secret_is_an_auth_error(self):
        wrong = "WRONGsecretWRONGsecretWRONGsecretWRONG12"
        rc, out, err = self.run_query(["--output", "jsonl"],
                                      env=self.cred_env(secret=wrong))
        self.assertIn(rc, (3, 4), f"rc={rc} stderr:\n{err}")
        line = self.assert_one_error_line(err)
        self.assertIn("SignatureDoesNotMatch", line)
        self.assertEqual(out, "")
        for text in (out, err):
            self.assertNotIn(wrong, text)
        self.assert_no_secrets(out, err)

    def test_unknown_access_key_is_an_auth_error(self):
        rc, out, err = self.run_query(
            ["--output", "jsonl"],
            env=self.cred_env(key_id="AKIAUNKNOWNUNKNOWN00", secret="s" * 40))
        self.assertIn(rc, (3, 4), f"rc={rc} stderr:\n{err}")
        line = self.assert_one_error_line(err)
        self.assertIn("InvalidClientTokenId", line)
        self.assertNotIn("s" * 40, err)

    def test_action_outside_policy_is_access_denied(self):
        rc, out, err = self.athena(self.base_args() + ["history"], env=self.cred_env())
        self.assertEqual(rc, 4, f"stderr:\n{err}")
        line = self.assert_one_error_line(err)
        self.assertEqual(out, "", "no partial output (e.g. a lone header) on failure")
        self.assertIn("athena:ListQueryExecutions", line)
        self.assertIn("AccessDenied", line)
        self.assert_no_secrets(out, err)

    def test_debug_traces_without_secret_or_signature(self):
        rc, out, err = self.run_query(["--output", "jsonl", "--debug"])
        self.assert_ok(rc, err)
        self.assert_jsonl(out)
        self.assertIn("StartQueryExecution", err, "request tracing expected on stderr")
        self.assert_no_secrets(out, err)
        self.assertNotRegex(err, r"Signature=\s*[0-9a-fA-F]{64}")
        for line in err.splitlines():
            if "authorization" in line.lower():
                self.assertIsNone(HEX64.search(line), f"unredacted: {line}")

    def test_status_and_results_by_id(self):
        self.moto.inject_athena_results([RESULT])
        qid = self.user("athena").start_query_execution(
            QueryString=SQL,
            ResultConfiguration={"OutputLocation": OUTPUT_LOCATION})["QueryExecutionId"]
        rc, out, err = self.athena(self.base_args() + ["status", qid], env=self.cred_env())
        self.assert_ok(rc, err)
        self.assertIn("SUCCEEDED", out)
        rc, out, err = self.athena(["results", qid, "--output", "csv"] + self.base_args(),
                                   env=self.cred_env(), text=False)
        self.assert_ok(rc, err.decode("utf-8", "replace"))
        self.assert_csv(out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
