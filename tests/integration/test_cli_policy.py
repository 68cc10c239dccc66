# `athena policy generate` and `athena policy check`, end to end through
# the CLI: the generated policy is valid JSON that its own check accepts;
# the seed's minimal policy is found to lack exactly the result-location
# writes (plus the optional capabilities), with the statements to add;
# adding those statements makes the check pass; malformed documents and
# missing options are refused with the documented exit codes. No server:
# the check evaluates offline with the shared IAM evaluator.

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SCOPE = ["--workgroup", "dot", "--data-bucket", "data", "--data-prefix", "sales/",
         "--results", "s3://results/athena/", "--region", "us-east-1",
         "--account", "123456789012", "--database", "sales", "--tables", "orders,items"]

SEED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow",
         "Action": ["athena:StartQueryExecution", "athena:StopQueryExecution",
                    "athena:GetQueryExecution", "athena:GetQueryResults"],
         "Resource": "arn:aws:athena:us-east-1:123456789012:workgroup/dot"},
        {"Effect": "Allow",
         "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
         "Resource": "*"},
        {"Effect": "Allow",
         "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]},
    ],
}


class PolicyCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_athena(cls)
        cls.dir = tempfile.mkdtemp(prefix="athena-policy-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def write(self, name, doc):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    def generate(self, *extra):
        rc, out, err = harness.run_athena(["policy", "generate", *SCOPE, *extra])
        self.assertEqual(rc, 0, err)
        return json.loads(out), err

    def test_generate_is_least_privilege(self):
        policy, err = self.generate()
        self.assertEqual(policy["Version"], "2012-10-17")
        by_sid = {st["Sid"]: st for st in policy["Statement"]}
        athena = by_sid["AthenaRunQueriesInWorkgroup"]
        self.assertEqual(sorted(athena["Action"]),
                         ["athena:GetQueryExecution", "athena:GetQueryResults",
                          "athena:StartQueryExecution", "athena:StopQueryExecution"])
        self.assertEqual(athena["Resource"],
                         ["arn:aws:athena:us-east-1:123456789012:workgroup/dot"])
        glue = by_sid["GlueReadTableMetadataAndPartitions"]
        self.assertIn("arn:aws:glue:us-east-1:123456789012:table/sales/orders", glue["Resource"])
        self.assertIn("arn:aws:glue:us-east-1:123456789012:catalog", glue["Resource"])
        self.assertEqual(by_sid["S3ListDataBucket"]["Condition"],
                         {"StringLike": {"s3:prefix": ["sales/", "sales/*"]}})
        self.assertEqual(by_sid["S3ReadDataFiles"]["Resource"], ["arn:aws:s3:::data/sales/*"])
        writes = by_sid["S3WriteAndReadQueryResults"]
        self.assertEqual(sorted(writes["Action"]),
                         ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"])
        self.assertEqual(writes["Resource"], ["arn:aws:s3:::results/athena/*"])
        self.assertEqual(by_sid["S3QueryResultsBucketLocation"]["Action"],
                         ["s3:GetBucketLocation"])
        actions = {a for st in policy["Statement"] for a in st["Action"]}
        self.assertFalse(any("*" in a for a in actions), actions)
        self.assertNotIn("glue:GetTables", actions)
        self.assertIn("GetTables", err)

    def test_managed_results_omit_the_result_bucket(self):
        scope = [a for a in SCOPE if a not in ("--results", "s3://results/athena/")]
        rc, out, err = harness.run_athena(["policy", "generate", *scope, "--managed-results"])
        self.assertEqual(rc, 0, err)
        policy = json.loads(out)
        self.assertFalse([st for st in policy["Statement"] if "results" in json.dumps(st)])
        self.assertIn("managed query results", err)

    def test_generated_policy_passes_its_check(self):
        policy, _ = self.generate()
        path = self.write("generated.json", policy)
        rc, out, err = harness.run_athena(["policy", "check", path, *SCOPE])
        self.assertEqual(rc, 0, out + err)
        self.assertIn("allows everything the connector needs", out)
        self.assertIn("\u2713 write results to the output location", out)

    def test_seed_policy_lacks_result_writes(self):
        path = self.write("seed.json", SEED_POLICY)
        rc, out, err = harness.run_athena(["policy", "check", path, *SCOPE, "--output", "json"])
        self.assertEqual(rc, 4, out + err)
        report = json.loads(out)
        self.assertFalse(report["ok"])
        caps = {c["name"]: c for c in report["capabilities"]}
        denied_needed = sorted(n for n, c in caps.items() if c["required"] and not c["allowed"])
        self.assertEqual(denied_needed, ["write results to the output location"])
        missing = {(m["action"], m["resource"])
                   for m in caps["write results to the output location"]["missing"]}
        self.assertIn(("s3:PutObject", "arn:aws:s3:::results/athena/*"), missing)
        self.assertIn(("s3:GetBucketLocation", "arn:aws:s3:::results"), missing)
        self.assertFalse(caps["list tables (glue:GetTables)"]["allowed"])
        self.assertFalse(caps["list tables (glue:GetTables)"]["required"])
        # The suggested statements close the gap.
        fixed = json.loads(json.dumps(SEED_POLICY))
        fixed["Statement"] += caps["write results to the output location"]["statements_to_add"]
        rc, out, err = harness.run_athena(["policy", "check", self.write("fixed.json", fixed),
                                           *SCOPE])
        self.assertEqual(rc, 0, out + err)

    def test_text_report_names_the_missing_statement(self):
        path = self.write("seed2.json", SEED_POLICY)
        rc, out, err = harness.run_athena(["policy", "check", path, *SCOPE])
        self.assertEqual(rc, 4, out + err)
        self.assertIn("\u2717 write results to the output location (needed by the connector)",
                      out)
        self.assertIn("missing: s3:PutObject on arn:aws:s3:::results/athena/*", out)
        self.assertIn('"Sid": "S3WriteAndReadQueryResults"', out)
        self.assertIn("\u2713 run queries in the workgroup", out)
        # Without a UTF-8 locale the marks are words.
        rc, out, err = harness.run_athena(["policy", "check", path, *SCOPE],
                                          env={"LANG": "C"})
        self.assertIn("FAIL write results", out)

    def test_explicit_deny_is_reported(self):
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "NoStop", "Effect": "Deny", "Action": "athena:Stop*", "Resource": "*"}]}
        rc, out, err = harness.run_athena(["policy", "check", self.write("deny.json", doc),
                                           *SCOPE])
        self.assertEqual(rc, 4, out + err)
        self.assertIn('explicitly denied: athena:StopQueryExecution', out)
        self.assertIn('"NoStop"', out)

    def test_malformed_documents(self):
        for doc, reason in (("{not json", ""),
                            ({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}, ""),
                            ({"Version": "2012-10-17", "Statement": [
                                {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                 "Resource": "*"}]}, "principal")):
            rc, out, err = harness.run_athena(["policy", "check", self.write("bad.json", doc),
                                               *SCOPE])
            self.assertEqual(rc, 3, (doc, out, err))
            self.assertIn("MalformedPolicyDocument", err)
            self.assertIn(reason, err.lower())

    def test_usage_errors(self):
        rc, _, err = harness.run_athena(["policy", "generate", "--workgroup", "dot"])
        self.assertEqual(rc, 2)
        self.assertIn("--data-bucket is required", err)
        scope = [a for a in SCOPE if a not in ("--results", "s3://results/athena/")]
        rc, _, err = harness.run_athena(["policy", "generate", *scope])
        self.assertEqual(rc, 2)
        self.assertIn("--managed-results", err)
        rc, _, err = harness.run_athena(["policy", "generate", *SCOPE[:-2], "--account", "12"])
        self.assertEqual(rc, 2)
        rc, _, err = harness.run_athena(["policy", "check", *SCOPE])
        self.assertEqual(rc, 2)
        rc, _, err = harness.run_athena(["policy", "frobnicate"])
        self.assertEqual(rc, 2)
        rc, _, err = harness.run_athena(["policy", "check", "/nonexistent.json", *SCOPE])
        self.assertEqual(rc, 2)
        self.assertIn("cannot open", err)

    def test_help(self):
        rc, out, _ = harness.run_athena(["policy", "--help"])
        self.assertEqual(rc, 0)
        self.assertIn("--data-bucket", out)
        rc, out, _ = harness.run_athena(["--help"])
        self.assertIn("policy generate", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
