# The core's IAM evaluator (through tests/iam_eval) against moto_server's IAM,
# a policy engine no one here wrote.
#
# One IAM user per policy is created in moto with boto3; with IAM checks on,
# each user then makes real S3, Athena and Glue calls with its own keys. What
# moto answers (allowed or AccessDenied) is compared with what iam_eval says
# for the same policy, the action moto authorizes ("s3:GetObject", ...) and
# the resource moto authorizes it on (arn:aws:s3:::bucket[/key] for S3, "*"
# for Athena and Glue).
#
# moto departs from AWS in a few documented ways (KNOWN_MOTO_DEVIATIONS):
# it matches actions case-sensitively and ignores NotResource. There iam_eval
# must give AWS's answer, and moto either agrees or gives its known one.

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

import botocore.exceptions  # noqa: E402

BUCKET = "iam-compare"


def iam_eval_path():
    return os.path.join(os.path.dirname(os.environ["ATHENA_BIN_DIR"]), "tests", "iam_eval")


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*", **extra):
    return dict({"Effect": "Deny", "Action": action, "Resource": resource}, **extra)


def s3_arn(key=None):
    return f"arn:aws:s3:::{BUCKET}" + (f"/{key}" if key else "")


POLICIES = {
    "wildcard-get": policy(allow("s3:Get*", s3_arn("*"))),
    "prefix": policy(allow(["s3:GetObject", "s3:PutObject"], s3_arn("a/*")),
                     allow("s3:ListBucket", s3_arn())),
    "deny-wins": policy(allow("s3:*"), deny("s3:PutObject", s3_arn("*"))),
    "not-action": policy({"Effect": "Allow", "NotAction": ["s3:PutObject", "glue:*"],
                          "Resource": "*"}),
    "not-action-deny": policy(allow("*"), {"Effect": "Deny", "NotAction": "s3:Get*",
                                           "Resource": "*"}),
    "not-resource": policy({"Effect": "Allow", "Action": "s3:*",
                            "NotResource": s3_arn("b/*")}),
    "not-resource-deny": policy(allow("*"), {"Effect": "Deny", "Action": "s3:*",
                                             "NotResource": s3_arn("a/*")}),
    "case": policy(allow(["S3:getobject", "ATHENA:listWorkGroups"])),
    "services": policy(allow(["athena:List*", "glue:Get*"]), deny("glue:GetDatabase")),
}

# (name, action moto authorizes, resource it authorizes on, the boto3 call)
CALLS = [
    ("get a/k", "s3:GetObject", s3_arn("a/k"),
     lambda c: c("s3").get_object(Bucket=BUCKET, Key="a/k")),
    ("get b/k", "s3:GetObject", s3_arn("b/k"),
     lambda c: c("s3").get_object(Bucket=BUCKET, Key="b/k")),
    ("put a/new", "s3:PutObject", s3_arn("a/new"),
     lambda c: c("s3").put_object(Bucket=BUCKET, Key="a/new", Body=b"new")),
    ("put b/new", "s3:PutObject", s3_arn("b/new"),
     lambda c: c("s3").put_object(Bucket=BUCKET, Key="b/new", Body=b"new")),
    ("list", "s3:ListBucket", s3_arn(),
     lambda c: c("s3").list_objects_v2(Bucket=BUCKET)),
    ("athena list", "athena:ListWorkGroups", "*",
     lambda c: c("athena").list_work_groups()),
    ("glue get", "glue:GetDatabase", "*",
     lambda c: c("glue").get_database(Name="db1")),
]

# (policy, call) -> (AWS's decision, why moto differs)
KNOWN_MOTO_DEVIATIONS = {
    ("case", "get a/k"): ("allowed", "moto matches actions case-sensitively"),
    ("case", "get b/k"): ("allowed", "moto matches actions case-sensitively"),
    ("case", "athena list"): ("allowed", "moto matches actions case-sensitively"),
    ("not-resource", "get b/k"): ("implicitDeny", "moto ignores NotResource"),
    ("not-resource", "put b/new"): ("implicitDeny", "moto ignores NotResource"),
    ("not-resource-deny", "get b/k"): ("explicitDeny", "moto ignores NotResource"),
    ("not-resource-deny", "put b/new"): ("explicitDeny", "moto ignores NotResource"),
    ("not-resource-deny", "list"): ("explicitDeny", "moto ignores NotResource"),
}

DENIED_CODES = {"AccessDenied", "AccessDeniedException", "403"}


class IamMotoCompareTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path = iam_eval_path()
        if not os.access(path, os.X_OK):
            raise AssertionError(f"iam_eval not built at {path}")
        cls.tmp = tempfile.TemporaryDirectory(prefix="iam-compare-")
        cls.moto = harness.start_moto(no_auth_count=10**9)
        try:
            cls._set_up_moto()
        except BaseException:
            cls.moto.stop()
            cls.tmp.cleanup()
            raise

    @classmethod
    def _set_up_moto(cls):
        s3 = cls.moto.boto3_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        for key in ("a/k", "b/k"):
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"data")
        cls.moto.boto3_client("glue").create_database(DatabaseInput={"Name": "db1"})
        iam = cls.moto.boto3_client("iam")
        cls.keys, cls.policy_files = {}, {}
        for name, doc in POLICIES.items():
            user = f"user-{name}"
            iam.create_user(UserName=user)
            iam.put_user_policy(UserName=user, PolicyName="p",
                                PolicyDocument=json.dumps(doc))
            key = iam.create_access_key(UserName=user)["AccessKey"]
            cls.keys[name] = (key["AccessKeyId"], key["SecretAccessKey"])
            path = os.path.join(cls.tmp.name, f"{name}.json")
            with open(path, "w") as f:
                json.dump(doc, f)
            cls.policy_files[name] = path
        cls.moto.require_auth_now()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        cls.tmp.cleanup()

    def moto_decision(self, policy_name, call):
        key_id, secret = self.keys[policy_name]

        def client(service):
            return self.moto.boto3_client(service, key_id, secret)
        try:
            call(client)
            return "allowed"
        except botocore.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            if code not in DENIED_CODES:
                raise AssertionError(f"{policy_name}: unexpected error {code}: {e}") from None
            return "denied"

    def iam_eval(self, policy_name, action, resource):
        proc = subprocess.run(
            [iam_eval_path(), self.policy_files[policy_name], "--", action, resource],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.strip()

    def test_decisions_match_moto(self):
        agreed, deviations = 0, 0
        for policy_name in POLICIES:
            for call_name, action, resource, call in CALLS:
                with self.subTest(policy=policy_name, call=call_name):
                    ours = self.iam_eval(policy_name, action, resource)
                    self.assertIn(ours, ("allowed", "implicitDeny", "explicitDeny"))
                    ours_simple = "allowed" if ours == "allowed" else "denied"
                    theirs = self.moto_decision(policy_name, call)
                    known = KNOWN_MOTO_DEVIATIONS.get((policy_name, call_name))
                    if known is None:
                        self.assertEqual(ours_simple, theirs,
                                         f"iam_eval says {ours}, moto says {theirs}")
                        agreed += 1
                        continue
                    aws_decision, why = known
                    self.assertEqual(ours, aws_decision, f"AWS decides {aws_decision}")
                    moto_known = "denied" if aws_decision == "allowed" else "allowed"
                    self.assertIn(theirs, (ours_simple, moto_known), why)
                    deviations += 1
        print(f"{agreed} decisions agree with moto; {deviations} follow AWS where moto "
              f"deviates", file=sys.stderr)
        self.assertGreaterEqual(agreed, 40)

    def test_malformed_policy_is_refused_by_both(self):
        bad = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
        path = os.path.join(self.tmp.name, "bad.json")
        with open(path, "w") as f:
            json.dump(bad, f)
        proc = subprocess.run([iam_eval_path(), path, "--", "s3:GetObject", "*"],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("Policy statement must contain resources.", proc.stderr)
        # moto's own validator gives the same reason (setup calls are free again)
        self.moto.request("POST", "/moto-api/reset-auth", b"1000000",
                          {"Content-Type": "text/plain"})
        try:
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.moto.boto3_client("iam").create_policy(
                    PolicyName="bad", PolicyDocument=json.dumps(bad))
            self.assertEqual(ctx.exception.response["Error"]["Code"], "MalformedPolicyDocument")
            self.assertIn("Policy statement must contain resources.", str(ctx.exception))
        finally:
            self.moto.require_auth_now()


if __name__ == "__main__":
    unittest.main(verbosity=2)
