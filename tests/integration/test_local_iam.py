# athena-local's IAM and STS APIs with real clients: boto3 for the whole
# user / access key / policy / group / role lifecycle and its errors, and
# the stock AWS CLI, v1 (`aws` on PATH) and v2 (/usr/bin/aws), for what
# users type. Also checks that
# an IAM user's keys authenticate (and an Inactive key does not), and the
# AssumeRole round trip: temporary credentials work, show the assumed-role
# ARN, need their session token, expire (the server runs with
# ATHENA_LOCAL_STS_MIN_DURATION_SECONDS=1 so a session can last 2 seconds),
# and a trust policy that does not name the caller refuses it.

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from botocore.exceptions import ClientError  # noqa: E402
from local_harness import athena_local  # noqa: E402
from test_local_awscli import find_v1  # noqa: E402

ACCOUNT = "123456789012"
CLI_V2 = "/usr/bin/aws"

ALLOW_STS = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
READ_TABLES = {"Version": "2012-10-17",
               "Statement": [{"Sid": "Read", "Effect": "Allow",
                              "Action": ["glue:GetTable", "glue:GetTables"],
                              "Resource": "*"}]}


def trust_for(*principals):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": list(principals)},
                           "Action": "sts:AssumeRole"}]}


class IamTestBase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._ctx = athena_local(env_extra={"ATHENA_LOCAL_STS_MIN_DURATION_SECONDS": "1"})
        cls.srv = cls._ctx.__enter__()
        cls.iam = cls.srv.client("iam")
        cls.sts = cls.srv.client("sts")

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def assertError(self, code, fn, *args, status=None, message=None, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        if status is not None:
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message, err)
        return err

    def user_with_key(self, name, policy=None):
        self.iam.create_user(UserName=name)
        if policy:
            self.iam.put_user_policy(UserName=name, PolicyName="inline",
                                     PolicyDocument=json.dumps(policy))
        return self.iam.create_access_key(UserName=name)["AccessKey"]

    def sts_for(self, key=None, creds=None):
        if creds:
            return self.srv.client("sts", access_key_id=creds["AccessKeyId"],
                                   secret_access_key=creds["SecretAccessKey"],
                                   session_token=creds["SessionToken"],
                                   parameter_validation=False)
        return self.srv.client("sts", access_key_id=key["AccessKeyId"],
                               secret_access_key=key["SecretAccessKey"],
                               parameter_validation=False)


class UsersAndKeys(IamTestBase):
    def test_user_lifecycle(self):
        user = self.iam.create_user(UserName="Carol", Path="/eng/")["User"]
        self.assertEqual(user["Arn"], f"arn:aws:iam::{ACCOUNT}:user/eng/Carol")
        self.assertRegex(user["UserId"], r"^AIDA[A-Z0-9]{17}$")
        self.assertEqual(user["Path"], "/eng/")
        # Names are case-insensitive, and keep their first spelling.
        self.assertEqual(self.iam.get_user(UserName="carol")["User"]["UserId"], user["UserId"])
        self.assertError("EntityAlreadyExists", self.iam.create_user, UserName="CAROL",
                         status=409, message="User with name CAROL already exists.")
        self.assertError("NoSuchEntity", self.iam.get_user, UserName="nobody", status=404,
                         message="The user with name nobody cannot be found.")
        err = self.assertError("ValidationError", self.iam.create_user, UserName="bad name!",
                               status=400)
        self.assertIn("[\\w+=,.@-]+", err["Error"]["Message"])
        self.iam.create_user(UserName="dave", Path="/eng/")
        first = self.iam.list_users(PathPrefix="/eng/", MaxItems=1)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([u["UserName"] for u in first["Users"]], ["Carol"])
        rest = self.iam.list_users(PathPrefix="/eng/", Marker=first["Marker"])
        self.assertFalse(rest["IsTruncated"])
        self.assertEqual([u["UserName"] for u in rest["Users"]], ["dave"])
        self.iam.delete_user(UserName="dave")
        self.iam.delete_user(UserName="carol")
        self.assertError("NoSuchEntity", self.iam.delete_user, UserName="carol")

    def test_access_keys_and_delete_conflict(self):
        key = self.user_with_key("keyed")
        self.assertRegex(key["AccessKeyId"], r"^AKIA[A-Z0-9]{16}$")
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")
        second = self.iam.create_access_key(UserName="keyed")["AccessKey"]
        self.assertError("LimitExceeded", self.iam.create_access_key, UserName="keyed",
                         status=409, message="Cannot exceed quota for AccessKeysPerUser: 2")
        listed = self.iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"]
        self.assertEqual(sorted(k["AccessKeyId"] for k in listed),
                         sorted([key["AccessKeyId"], second["AccessKeyId"]]))
        self.assertTrue(all("SecretAccessKey" not in k for k in listed))

        # The key authenticates as the user.
        who = self.sts_for(key).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:user/keyed")
        self.assertEqual(who["Account"], ACCOUNT)
        self.assertRegex(who["UserId"], r"^AIDA")
        # An Inactive key is refused, and works again once Active.
        self.iam.update_access_key(UserName="keyed", AccessKeyId=key["AccessKeyId"],
                                   Status="Inactive")
        self.assertError("InvalidClientTokenId", self.sts_for(key).get_caller_identity,
                         status=403)
        self.iam.update_access_key(UserName="keyed", AccessKeyId=key["AccessKeyId"],
                                   Status="Active")
        self.sts_for(key).get_caller_identity()
        # A wrong secret does not match.
        wrong = dict(key, SecretAccessKey="x" * 40)
        self.assertError("SignatureDoesNotMatch", self.sts_for(wrong).get_caller_identity)

        self.assertError("DeleteConflict", self.iam.delete_user, UserName="keyed", status=409,
                         message="Cannot delete entity, must delete access keys first.")
        for k in (key, second):
            self.iam.delete_access_key(UserName="keyed", AccessKeyId=k["AccessKeyId"])
        self.assertError("NoSuchEntity", self.iam.delete_access_key, UserName="keyed",
                         AccessKeyId=key["AccessKeyId"])
        self.assertError("InvalidClientTokenId", self.sts_for(key).get_caller_identity)
        self.iam.delete_user(UserName="keyed")

    def test_root_identity_and_unknown_action(self):
        who = self.sts.get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:root")
        self.assertEqual(who["UserId"], ACCOUNT)
        status, _, body = self.srv.raw_request(
            "POST", "/", self.srv.sign("POST", "/", {
                "Content-Type": "application/x-www-form-urlencoded"},
                b"Action=FlyToTheMoon&Version=2010-05-08", service="iam"),
            b"Action=FlyToTheMoon&Version=2010-05-08")
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)


class Policies(IamTestBase):
    def test_inline_policies(self):
        self.iam.create_user(UserName="reader")
        self.iam.put_user_policy(UserName="reader", PolicyName="Tables",
                                 PolicyDocument=json.dumps(READ_TABLES))
        got = self.iam.get_user_policy(UserName="READER", PolicyName="tables")
        self.assertEqual(got["PolicyDocument"], READ_TABLES)   # botocore URL-decodes it
        self.assertEqual(got["PolicyName"], "Tables")
        self.assertEqual(self.iam.list_user_policies(UserName="reader")["PolicyNames"],
                         ["Tables"])
        self.assertError("MalformedPolicyDocument", self.iam.put_user_policy,
                         UserName="reader", PolicyName="bad", PolicyDocument="{not json",
                         status=400)
        with_principal = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
        self.assertError("MalformedPolicyDocument", self.iam.put_user_policy,
                         UserName="reader", PolicyName="bad",
                         PolicyDocument=json.dumps(with_principal))
        self.assertError("NoSuchEntity", self.iam.get_user_policy, UserName="reader",
                         PolicyName="none", status=404)
        self.assertError("DeleteConflict", self.iam.delete_user, UserName="reader",
                         message="Cannot delete entity, must delete policies first.")
        self.iam.delete_user_policy(UserName="reader", PolicyName="Tables")
        self.assertEqual(self.iam.list_user_policies(UserName="reader")["PolicyNames"], [])
        self.iam.delete_user(UserName="reader")

    def test_managed_policies(self):
        aws = self.iam.list_policies(Scope="AWS")["Policies"]
        arns = {p["Arn"] for p in aws}
        for name in ("AmazonAthenaFullAccess", "AWSGlueConsoleFullAccess",
                     "AmazonS3ReadOnlyAccess"):
            self.assertIn(f"arn:aws:iam::aws:policy/{name}", arns)
        athena = self.iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonAthenaFullAccess")
        version = self.iam.get_policy_version(
            PolicyArn="arn:aws:iam::aws:policy/AmazonAthenaFullAccess",
            VersionId=athena["Policy"]["DefaultVersionId"])["PolicyVersion"]
        sids = [s.get("Sid") for s in version["Document"]["Statement"]]
        self.assertEqual(sids[:2], ["BaseAthenaPermissions", "BaseGluePermissions"])

        created = self.iam.create_policy(PolicyName="ReadTables", Path="/team/",
                                         PolicyDocument=json.dumps(READ_TABLES),
                                         Description="tables")["Policy"]
        arn = f"arn:aws:iam::{ACCOUNT}:policy/team/ReadTables"
        self.assertEqual(created["Arn"], arn)
        self.assertRegex(created["PolicyId"], r"^ANPA")
        self.assertEqual(created["DefaultVersionId"], "v1")
        self.assertError("EntityAlreadyExists", self.iam.create_policy, PolicyName="readtables",
                         PolicyDocument=json.dumps(READ_TABLES), status=409)
        self.assertError("MalformedPolicyDocument", self.iam.create_policy, PolicyName="Bad",
                         PolicyDocument=json.dumps({"Statement": [{"Effect": "Maybe"}]}))
        doc = self.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
        self.assertEqual(doc["Document"], READ_TABLES)
        self.assertTrue(doc["IsDefaultVersion"])
        local = self.iam.list_policies(Scope="Local")["Policies"]
        self.assertEqual([p["Arn"] for p in local], [arn])
        self.assertEqual(self.iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"],
                         [])

        self.iam.create_user(UserName="attached")
        self.iam.attach_user_policy(UserName="attached", PolicyArn=arn)
        self.iam.attach_user_policy(UserName="attached",
                                    PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        self.assertError("NoSuchEntity", self.iam.attach_user_policy, UserName="attached",
                         PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy", status=404)
        attached = self.iam.list_attached_user_policies(UserName="attached")["AttachedPolicies"]
        self.assertEqual(sorted(p["PolicyName"] for p in attached),
                         ["AmazonS3ReadOnlyAccess", "ReadTables"])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 1)
        only = {p["PolicyName"] for p in self.iam.list_policies(OnlyAttached=True)["Policies"]}
        self.assertTrue({"AmazonS3ReadOnlyAccess", "ReadTables"} <= only, only)
        self.assertNotIn("AWSGlueConsoleFullAccess", only)   # attached to nothing
        # Paging walks AWS managed policies, then local ones.
        names, marker = [], None
        while True:
            page = self.iam.list_policies(MaxItems=2, **({"Marker": marker} if marker else {}))
            names += [p["PolicyName"] for p in page["Policies"]]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        self.assertEqual(names[-1], "ReadTables")
        self.assertEqual(len(names), len(set(names)))

        self.assertError("DeleteConflict", self.iam.delete_user, UserName="attached",
                         message="Cannot delete entity, must detach all policies first.")
        self.assertError("DeleteConflict", self.iam.delete_policy, PolicyArn=arn)
        self.iam.detach_user_policy(UserName="attached", PolicyArn=arn)
        self.assertError("NoSuchEntity", self.iam.detach_user_policy, UserName="attached",
                         PolicyArn=arn)
        self.iam.detach_user_policy(UserName="attached",
                                    PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        self.iam.delete_policy(PolicyArn=arn)
        self.assertError("NoSuchEntity", self.iam.get_policy, PolicyArn=arn)
        self.iam.delete_user(UserName="attached")

    def test_groups(self):
        self.iam.create_user(UserName="member")
        group = self.iam.create_group(GroupName="Analysts")["Group"]
        self.assertRegex(group["GroupId"], r"^AGPA")
        self.assertEqual(group["Arn"], f"arn:aws:iam::{ACCOUNT}:group/Analysts")
        self.assertError("NoSuchEntity", self.iam.add_user_to_group, GroupName="Analysts",
                         UserName="ghost", message="The user with name ghost cannot be found.")
        self.iam.add_user_to_group(GroupName="analysts", UserName="member")
        groups = self.iam.list_groups_for_user(UserName="member")["Groups"]
        self.assertEqual([g["GroupName"] for g in groups], ["Analysts"])
        got = self.iam.get_group(GroupName="Analysts")
        self.assertEqual([u["UserName"] for u in got["Users"]], ["member"])
        self.iam.put_group_policy(GroupName="Analysts", PolicyName="Tables",
                                  PolicyDocument=json.dumps(READ_TABLES))
        self.iam.attach_group_policy(GroupName="Analysts",
                                     PolicyArn="arn:aws:iam::aws:policy/AmazonAthenaFullAccess")
        self.assertEqual(
            self.iam.get_group_policy(GroupName="Analysts", PolicyName="Tables")[
                "PolicyDocument"], READ_TABLES)
        self.assertError("DeleteConflict", self.iam.delete_user, UserName="member",
                         message="Cannot delete entity, must remove users from group first.")
        self.iam.remove_user_from_group(GroupName="Analysts", UserName="member")
        self.assertEqual(self.iam.list_groups_for_user(UserName="member")["Groups"], [])
        self.iam.delete_user(UserName="member")


class Roles(IamTestBase):
    def test_create_role_validates_trust_policy(self):
        no_principal = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole"}]}
        self.assertError("MalformedPolicyDocument", self.iam.create_role, RoleName="r",
                         AssumeRolePolicyDocument=json.dumps(no_principal), status=400)
        role = self.iam.create_role(RoleName="Described", Description="for tests",
                                    MaxSessionDuration=7200,
                                    AssumeRolePolicyDocument=json.dumps(
                                        trust_for(f"arn:aws:iam::{ACCOUNT}:root")))["Role"]
        self.assertRegex(role["RoleId"], r"^AROA")
        got = self.iam.get_role(RoleName="described")["Role"]
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertEqual(got["Description"], "for tests")
        self.assertEqual(got["AssumeRolePolicyDocument"],
                         trust_for(f"arn:aws:iam::{ACCOUNT}:root"))
        self.iam.put_role_policy(RoleName="Described", PolicyName="Tables",
                                 PolicyDocument=json.dumps(READ_TABLES))
        self.iam.attach_role_policy(RoleName="Described",
                                    PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        attached = self.iam.list_attached_role_policies(RoleName="Described")
        self.assertEqual([p["PolicyName"] for p in attached["AttachedPolicies"]],
                         ["AmazonS3ReadOnlyAccess"])

    def test_assume_role_round_trip_and_expiry(self):
        key = self.user_with_key("assumer", ALLOW_STS)
        outsider = self.user_with_key("outsider", ALLOW_STS)
        role_arn = self.iam.create_role(
            RoleName="Reader", AssumeRolePolicyDocument=json.dumps(
                trust_for(f"arn:aws:iam::{ACCOUNT}:user/assumer")))["Role"]["Arn"]
        self.iam.put_role_policy(RoleName="Reader", PolicyName="Tables",
                                 PolicyDocument=json.dumps(READ_TABLES))
        out = self.sts_for(key).assume_role(RoleArn=role_arn, RoleSessionName="job-1")
        creds = out["Credentials"]
        self.assertRegex(creds["AccessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        self.assertTrue(creds["SessionToken"])
        lifetime = creds["Expiration"].timestamp() - time.time()
        self.assertTrue(3500 < lifetime <= 3601, lifetime)
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/job-1")
        self.assertRegex(out["AssumedRoleUser"]["AssumedRoleId"], r"^AROA[A-Z0-9]+:job-1$")
        who = self.sts_for(creds=creds).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/job-1")
        self.assertEqual(who["UserId"], out["AssumedRoleUser"]["AssumedRoleId"])

        # The session token must be the one issued with the key.
        self.assertError("InvalidClientTokenId",
                         self.sts_for(creds=dict(creds, SessionToken="forged")).get_caller_identity)
        self.assertError("InvalidClientTokenId", self.sts_for(key=creds).get_caller_identity)

        # The trust policy names only "assumer".
        self.assertError(
            "AccessDenied", self.sts_for(outsider).assume_role, RoleArn=role_arn,
            RoleSessionName="x1", status=403,
            message=f"User: arn:aws:iam::{ACCOUNT}:user/outsider is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}")
        missing = f"arn:aws:iam::{ACCOUNT}:role/NoSuchRole"
        self.assertError("AccessDenied", self.sts_for(key).assume_role, RoleArn=missing,
                         RoleSessionName="x1")
        self.assertError("ValidationError", self.sts_for(key).assume_role, RoleArn=role_arn,
                         RoleSessionName="x1", DurationSeconds=7200)
        self.assertError("ValidationError", self.sts_for(key).assume_role, RoleArn=role_arn,
                         RoleSessionName="x1", DurationSeconds=0)

        short = self.sts_for(key).assume_role(RoleArn=role_arn, RoleSessionName="short",
                                              DurationSeconds=2)["Credentials"]
        self.sts_for(creds=short).get_caller_identity()
        time.sleep(3)
        self.assertError("ExpiredToken", self.sts_for(creds=short).get_caller_identity,
                         status=403)
        status, _, body = self.srv.signed_request(
            target="AmazonAthena.ListWorkGroups", body={},
            access_key_id=short["AccessKeyId"], secret_access_key=short["SecretAccessKey"],
            session_token=short["SessionToken"])
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "ExpiredTokenException")
        s3 = self.srv.client("s3", access_key_id=short["AccessKeyId"],
                             secret_access_key=short["SecretAccessKey"],
                             session_token=short["SessionToken"])
        self.assertError("ExpiredToken", s3.list_buckets, status=400,
                         message="The provided token has expired.")
        # The long session is still fine.
        self.sts_for(creds=creds).get_caller_identity()


class AwsCliMixin:
    """The CLI tests, run once per CLI version by the subclasses below."""

    aws_path = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.home = tempfile.mkdtemp(prefix="awscli-iam-home-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)
        super().tearDownClass()

    def aws(self, *args, key=None, creds=None, expect_ok=True):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "LANG": "C.UTF-8",
            "AWS_CONFIG_FILE": os.path.join(self.home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "no-credentials"),
            "AWS_PAGER": "",
            "NO_PROXY": "127.0.0.1,localhost",
            "AWS_ACCESS_KEY_ID": self.srv.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
        }
        if key:
            env["AWS_ACCESS_KEY_ID"] = key["AccessKeyId"]
            env["AWS_SECRET_ACCESS_KEY"] = key["SecretAccessKey"]
        if creds:
            env["AWS_ACCESS_KEY_ID"] = creds["AccessKeyId"]
            env["AWS_SECRET_ACCESS_KEY"] = creds["SecretAccessKey"]
            env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
        cmd = [self.aws_path, *args, "--endpoint-url", self.srv.url, "--region", "us-east-1",
               "--output", "json"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, cwd=self.home)
        if expect_ok:
            self.assertEqual(proc.returncode, 0, f"{args}: {proc.stderr}")
            return json.loads(proc.stdout) if proc.stdout.strip() else None
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        return proc.stderr

    def test_cli_lifecycle(self):
        user = self.aws("iam", "create-user", "--user-name", "cli-user")["User"]
        self.assertEqual(user["Arn"], f"arn:aws:iam::{ACCOUNT}:user/cli-user")
        names = [u["UserName"] for u in self.aws("iam", "list-users")["Users"]]
        self.assertIn("cli-user", names)
        key = self.aws("iam", "create-access-key", "--user-name", "cli-user")["AccessKey"]
        self.aws("iam", "put-user-policy", "--user-name", "cli-user", "--policy-name", "sts",
                 "--policy-document", json.dumps(ALLOW_STS))
        got = self.aws("iam", "get-user-policy", "--user-name", "cli-user", "--policy-name",
                       "sts")
        self.assertEqual(got["PolicyDocument"], ALLOW_STS)
        err = self.aws("iam", "put-user-policy", "--user-name", "cli-user", "--policy-name",
                       "bad", "--policy-document", "[1, 2", expect_ok=False)
        self.assertIn("MalformedPolicyDocument", err)
        err = self.aws("iam", "get-user", "--user-name", "nobody", expect_ok=False)
        self.assertIn("NoSuchEntity", err)

        who = self.aws("sts", "get-caller-identity", key=key)
        self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:user/cli-user")

        role = self.aws("iam", "create-role", "--role-name", "cli-role",
                        "--assume-role-policy-document",
                        json.dumps(trust_for(f"arn:aws:iam::{ACCOUNT}:user/cli-user")))["Role"]
        self.aws("iam", "attach-role-policy", "--role-name", "cli-role", "--policy-arn",
                 "arn:aws:iam::aws:policy/AmazonAthenaFullAccess")
        out = self.aws("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name",
                       "cli-session", key=key)
        who = self.aws("sts", "get-caller-identity", creds=out["Credentials"])
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/cli-role/cli-session")

        # Root is not in the trust policy: refused.
        err = self.aws("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name",
                       "root-session", expect_ok=False)
        self.assertIn("AccessDenied", err)

        self.aws("iam", "update-access-key", "--user-name", "cli-user", "--access-key-id",
                 key["AccessKeyId"], "--status", "Inactive")
        err = self.aws("sts", "get-caller-identity", key=key, expect_ok=False)
        self.assertIn("InvalidClientTokenId", err)


V1_PATH = find_v1()


@unittest.skipUnless(V1_PATH, "AWS CLI v1 is not installed")
class AwsCliV1(AwsCliMixin, IamTestBase):
    aws_path = V1_PATH


@unittest.skipUnless(os.access(CLI_V2, os.X_OK), "AWS CLI v2 is not installed")
class AwsCliV2(AwsCliMixin, IamTestBase):
    aws_path = CLI_V2


if __name__ == "__main__":
    unittest.main(verbosity=2)
