# End-to-end tests of athena-local's IAM authorization with unmodified
# boto3: users created through the IAM API (by the root client) call Athena,
# Glue, S3, IAM and STS with their own keys and are allowed or denied as AWS
# would: per service, a user restricted to one workgroup, an explicit Deny
# beating an Allow, aws:SourceIp conditions, s3:prefix on ListBucket, and
# what a query needs while it runs (glue:GetTable on its tables, s3:PutObject
# on its output location) and GetQueryResults (s3:GetObject on the result).
# Denials are checked word for word against AWS's messages.

import json
import os
import sys
import unittest
import uuid

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (  # noqa: E402
    error_of, object_path, run_query, start_query, wait_for_query)
from local_harness import athena_local  # noqa: E402
import harness  # noqa: E402
from iam_fixtures import (  # noqa: E402
    ACCOUNT, REGION, allow, create_user, deny, explicit, implicit, policy)

DATA_BUCKET = "authz-data"
RESULTS_BUCKET = "authz-results"
RESULTS_URI = f"s3://{RESULTS_BUCKET}/out/"
TABLE_ARN = f"arn:aws:glue:{REGION}:{ACCOUNT}:table/authz/t"


# Everything a query in the primary workgroup needs on the test table.
QUERY_ATHENA = allow("athena:*", f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary")
QUERY_GLUE = allow(["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"])
DATA_READ = allow(["s3:ListBucket", "s3:GetObject"],
                  [f"arn:aws:s3:::{DATA_BUCKET}", f"arn:aws:s3:::{DATA_BUCKET}/*"])
RESULTS_WRITE = allow("s3:PutObject", f"arn:aws:s3:::{RESULTS_BUCKET}/*")
RESULTS_READ = allow("s3:GetObject", f"arn:aws:s3:::{RESULTS_BUCKET}/*")


class AuthzTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls._server = athena_local()
        cls.srv = cls._server.__enter__()
        cls.root_athena = cls.srv.client("athena")
        cls.iam = cls.srv.client("iam")
        s3 = cls.srv.client("s3")
        for bucket in (DATA_BUCKET, RESULTS_BUCKET):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=DATA_BUCKET, Key="t/part1.csv", Body=b"1,one\n2,two\n")
        for sql in ("CREATE DATABASE authz",
                    "CREATE EXTERNAL TABLE authz.t (id int, name string) ROW FORMAT DELIMITED "
                    f"FIELDS TERMINATED BY ',' LOCATION 's3://{DATA_BUCKET}/t/'",
                    "CREATE EXTERNAL TABLE authz.secret (id int) "
                    f"LOCATION 's3://{DATA_BUCKET}/secret/'"):
            run_query(cls.root_athena, sql, output=RESULTS_URI)
        cls.root_athena.create_work_group(
            Name="team", Configuration={"ResultConfiguration": {"OutputLocation": RESULTS_URI}})

    @classmethod
    def tearDownClass(cls):
        cls._server.__exit__(None, None, None)

    # ---- helpers ----

    def user(self, *statements):
        """A new IAM user with one inline policy of statements; returns
        (name, client factory)."""
        name, key = create_user(self.iam, *statements)

        def client(service):
            return self.srv.client(service, access_key_id=key["AccessKeyId"],
                                   secret_access_key=key["SecretAccessKey"])
        return name, client

    def assertDenied(self, call, code, status, message):
        with self.assertRaises(ClientError) as caught:
            call()
        got_code, got_message, got_status = error_of(caught.exception)
        self.assertEqual((got_code, got_status), (code, status), got_message)
        self.assertEqual(got_message, message)

    def failed_reason(self, client, sql):
        qe = run_query(client, sql, expect="FAILED", output=RESULTS_URI)
        status = qe["Status"]
        self.assertEqual(status["AthenaError"]["ErrorCategory"], 2, status)
        return status["StateChangeReason"]

    # ---- Athena ----

    def test_athena_action_allowed_or_implicitly_denied(self):
        name, client = self.user(allow("athena:ListWorkGroups"))
        athena = client("athena")
        names = [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
        self.assertIn("primary", names)
        self.assertDenied(
            lambda: athena.get_work_group(WorkGroup="primary"), "AccessDeniedException", 400,
            implicit(name, "athena:GetWorkGroup",
                     f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"))

    def test_user_restricted_to_one_workgroup(self):
        team = f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/team"
        name, client = self.user(allow("athena:*", team), QUERY_GLUE, DATA_READ, RESULTS_WRITE,
                                 RESULTS_READ)
        athena = client("athena")
        mine = run_query(athena, "SELECT count(*) FROM authz.t", output=None, WorkGroup="team")
        self.assertEqual(mine["WorkGroup"], "team")
        primary = f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"
        self.assertDenied(lambda: start_query(athena, "SELECT 1"), "AccessDeniedException", 400,
                          implicit(name, "athena:StartQueryExecution", primary))
        # A query of another workgroup is out of reach through its id too.
        theirs = start_query(self.root_athena, "SELECT 1")
        self.assertDenied(lambda: athena.get_query_execution(QueryExecutionId=theirs),
                          "AccessDeniedException", 400,
                          implicit(name, "athena:GetQueryExecution", primary))
        # A batch returns the queries it may and lists the others as unprocessed.
        batch = athena.batch_get_query_execution(
            QueryExecutionIds=[mine["QueryExecutionId"], theirs])
        self.assertEqual([q["QueryExecutionId"] for q in batch["QueryExecutions"]],
                         [mine["QueryExecutionId"]])
        self.assertEqual(batch["UnprocessedQueryExecutionIds"], [{
            "QueryExecutionId": theirs, "ErrorCode": "AccessDeniedException",
            "ErrorMessage": implicit(name, "athena:BatchGetQueryExecution", primary)}])
        got = athena.get_query_execution(QueryExecutionId=mine["QueryExecutionId"])
        self.assertEqual(got["QueryExecution"]["Status"]["State"], "SUCCEEDED")

    def test_explicit_deny_beats_allow(self):
        primary = f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"
        name, client = self.user(allow("athena:*"), deny("athena:GetWorkGroup", primary))
        athena = client("athena")
        athena.list_work_groups()
        athena.get_work_group(WorkGroup="team")
        self.assertDenied(lambda: athena.get_work_group(WorkGroup="primary"),
                          "AccessDeniedException", 400,
                          explicit(name, "athena:GetWorkGroup", primary))

    def test_source_ip_condition(self):
        _, near = self.user(allow("athena:ListWorkGroups",
                                  Condition={"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}))
        near("athena").list_work_groups()
        far_name, far = self.user(allow("athena:ListWorkGroups",
                                        Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
        self.assertDenied(lambda: far("athena").list_work_groups(), "AccessDeniedException", 400,
                          implicit(far_name, "athena:ListWorkGroups"))
        # The same address as an explicit Deny's NotIpAddress: loopback passes.
        _, fenced = self.user(allow("athena:ListWorkGroups"),
                              deny("*", Condition={"NotIpAddress": {
                                  "aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}))
        fenced("athena").list_work_groups()

    # ---- Glue ----

    def test_glue_needs_catalog_database_and_table(self):
        name, client = self.user(allow(["glue:GetTable", "glue:GetDatabase"], [
            f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog",
            f"arn:aws:glue:{REGION}:{ACCOUNT}:database/authz",
            TABLE_ARN]))
        glue = client("glue")
        self.assertEqual(glue.get_table(DatabaseName="authz", Name="t")["Table"]["Name"], "t")
        self.assertEqual(glue.get_database(Name="authz")["Database"]["Name"], "authz")
        self.assertDenied(lambda: glue.get_table(DatabaseName="authz", Name="secret"),
                          "AccessDeniedException", 400,
                          implicit(name, "glue:GetTable",
                                   f"arn:aws:glue:{REGION}:{ACCOUNT}:table/authz/secret"))
        self.assertDenied(lambda: glue.get_tables(DatabaseName="authz"),
                          "AccessDeniedException", 400,
                          implicit(name, "glue:GetTables",
                                   f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog"))

    def test_athena_metadata_needs_glue(self):
        catalog = f"arn:aws:athena:{REGION}:{ACCOUNT}:datacatalog/AwsDataCatalog"
        name, client = self.user(allow("athena:GetTableMetadata", catalog))
        athena = client("athena")
        self.assertDenied(
            lambda: athena.get_table_metadata(CatalogName="AwsDataCatalog",
                                              DatabaseName="authz", TableName="t"),
            "AccessDeniedException", 400,
            implicit(name, "glue:GetTable", f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog"))
        _, client = self.user(allow("athena:GetTableMetadata", catalog), QUERY_GLUE)
        meta = client("athena").get_table_metadata(CatalogName="AwsDataCatalog",
                                                   DatabaseName="authz", TableName="t")
        self.assertEqual(meta["TableMetadata"]["Name"], "t")

    # ---- S3 ----

    def test_s3_object_and_bucket_actions(self):
        name, client = self.user(DATA_READ)
        s3 = client("s3")
        self.assertEqual(s3.get_object(Bucket=DATA_BUCKET, Key="t/part1.csv")["Body"].read(),
                         b"1,one\n2,two\n")
        s3.head_object(Bucket=DATA_BUCKET, Key="t/part1.csv")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=DATA_BUCKET)["Contents"]]
        self.assertIn("t/part1.csv", keys)
        self.assertDenied(lambda: s3.put_object(Bucket=DATA_BUCKET, Key="t/new.csv", Body=b"x"),
                          "AccessDenied", 403,
                          implicit(name, "s3:PutObject", f"arn:aws:s3:::{DATA_BUCKET}/t/new.csv",
                                   quote=True))
        self.assertDenied(lambda: s3.list_buckets(), "AccessDenied", 403,
                          implicit(name, "s3:ListAllMyBuckets"))
        self.assertDenied(
            lambda: s3.copy_object(Bucket=RESULTS_BUCKET, Key="copy.csv",
                                   CopySource={"Bucket": DATA_BUCKET, "Key": "t/part1.csv"}),
            "AccessDenied", 403,
            implicit(name, "s3:PutObject", f"arn:aws:s3:::{RESULTS_BUCKET}/copy.csv", quote=True))

    def test_copy_needs_get_object_on_source(self):
        name, client = self.user(allow("s3:PutObject", f"arn:aws:s3:::{RESULTS_BUCKET}/*"))
        self.assertDenied(
            lambda: client("s3").copy_object(
                Bucket=RESULTS_BUCKET, Key="copy.csv",
                CopySource={"Bucket": DATA_BUCKET, "Key": "t/part1.csv"}),
            "AccessDenied", 403,
            implicit(name, "s3:GetObject", f"arn:aws:s3:::{DATA_BUCKET}/t/part1.csv", quote=True))

    def test_delete_objects_is_authorized_per_key(self):
        root_s3 = self.srv.client("s3")
        for key in ("tmp/a", "keep/b"):
            root_s3.put_object(Bucket=DATA_BUCKET, Key=key, Body=b"x")
        _, client = self.user(allow("s3:DeleteObject", f"arn:aws:s3:::{DATA_BUCKET}/tmp/*"))
        out = client("s3").delete_objects(Bucket=DATA_BUCKET, Delete={"Objects": [
            {"Key": "tmp/a"}, {"Key": "keep/b"}]})
        self.assertEqual([d["Key"] for d in out.get("Deleted", [])], ["tmp/a"])
        self.assertEqual([(e["Key"], e["Code"]) for e in out.get("Errors", [])],
                         [("keep/b", "AccessDenied")])
        self.assertEqual(root_s3.get_object(Bucket=DATA_BUCKET, Key="keep/b")["Body"].read(),
                         b"x")

    def test_list_bucket_prefix_condition(self):
        name, client = self.user(allow("s3:ListBucket", f"arn:aws:s3:::{DATA_BUCKET}",
                                       Condition={"StringLike": {"s3:prefix": "t/*"}}))
        s3 = client("s3")
        s3.list_objects_v2(Bucket=DATA_BUCKET, Prefix="t/")
        self.assertDenied(lambda: s3.list_objects_v2(Bucket=DATA_BUCKET, Prefix="secret/"),
                          "AccessDenied", 403,
                          implicit(name, "s3:ListBucket", f"arn:aws:s3:::{DATA_BUCKET}",
                                   quote=True))

    # ---- queries ----

    def test_query_with_every_permission_succeeds(self):
        _, client = self.user(QUERY_ATHENA, QUERY_GLUE, DATA_READ, RESULTS_WRITE, RESULTS_READ)
        athena = client("athena")
        qe = run_query(athena, "SELECT name FROM authz.t WHERE id = 2", output=RESULTS_URI)
        rows = athena.get_query_results(QueryExecutionId=qe["QueryExecutionId"])
        self.assertEqual(rows["ResultSet"]["Rows"][1]["Data"][0]["VarCharValue"], "two")

    def test_query_denied_without_glue_get_table(self):
        name, client = self.user(QUERY_ATHENA, allow("glue:GetDatabase"), DATA_READ,
                                 RESULTS_WRITE)
        reason = self.failed_reason(client("athena"), "SELECT * FROM authz.t")
        self.assertEqual(reason, "Insufficient permissions to execute the query. " +
                         implicit(name, "glue:GetTable",
                                  f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog"))

    def test_query_denied_without_table_in_resource(self):
        name, client = self.user(QUERY_ATHENA, allow(["glue:GetDatabase", "glue:GetTable"], [
            f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog",
            f"arn:aws:glue:{REGION}:{ACCOUNT}:database/authz",
            f"arn:aws:glue:{REGION}:{ACCOUNT}:table/authz/secret"]), DATA_READ, RESULTS_WRITE)
        reason = self.failed_reason(client("athena"), "SELECT * FROM authz.t")
        self.assertEqual(reason, "Insufficient permissions to execute the query. " +
                         implicit(name, "glue:GetTable", TABLE_ARN))

    def test_query_denied_without_data_access(self):
        name, client = self.user(QUERY_ATHENA, QUERY_GLUE, RESULTS_WRITE)
        reason = self.failed_reason(client("athena"), "SELECT * FROM authz.t")
        self.assertEqual(reason, f"Permission denied on S3 path: s3://{DATA_BUCKET}/t/. " +
                         implicit(name, "s3:ListBucket", f"arn:aws:s3:::{DATA_BUCKET}",
                                  quote=True))

    def test_query_denied_without_put_object_on_output(self):
        _, client = self.user(QUERY_ATHENA, QUERY_GLUE, DATA_READ)
        athena = client("athena")
        query_id = start_query(athena, "SELECT 1", output=RESULTS_URI)
        qe = wait_for_query(athena, query_id)
        status = qe["Status"]
        self.assertEqual(status["State"], "FAILED")
        self.assertEqual(status["AthenaError"]["ErrorCategory"], 2)
        self.assertEqual(status["StateChangeReason"],
                         f"Access denied when writing output to url "
                         f"'{RESULTS_URI}{query_id}.csv'. Please ensure you are allowed to "
                         "access the S3 bucket. If you are encrypting query results with KMS "
                         "key, please ensure you are allowed to access your KMS key")
        self.assertFalse(os.path.exists(object_path(self.srv.data_dir,
                                                    f"{RESULTS_URI}{query_id}.csv")))

    def test_get_query_results_needs_get_object_on_result(self):
        name, client = self.user(QUERY_ATHENA, QUERY_GLUE, DATA_READ, RESULTS_WRITE)
        athena = client("athena")
        qe = run_query(athena, "SELECT 1", output=RESULTS_URI)
        query_id = qe["QueryExecutionId"]
        self.assertDenied(lambda: athena.get_query_results(QueryExecutionId=query_id),
                          "AccessDeniedException", 400,
                          implicit(name, "s3:GetObject",
                                   f"arn:aws:s3:::{RESULTS_BUCKET}/out/{query_id}.csv",
                                   quote=True))

    def test_results_readable_only_through_athena(self):
        # A common guard: the result bucket may be read only by Athena on the
        # caller's behalf (aws:CalledVia). GetQueryResults works, a direct
        # GetObject does not, and our CLI's fast S3 path quietly falls back.
        via_athena = allow("s3:GetObject", f"arn:aws:s3:::{RESULTS_BUCKET}/*", Condition={
            "ForAnyValue:StringEquals": {"aws:CalledVia": ["athena.amazonaws.com"]}})
        name, client = self.user(QUERY_ATHENA, QUERY_GLUE, DATA_READ, RESULTS_WRITE, via_athena)
        athena = client("athena")
        qe = run_query(athena, "SELECT id, name FROM authz.t ORDER BY id", output=RESULTS_URI)
        query_id = qe["QueryExecutionId"]
        rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
        self.assertEqual([[d.get("VarCharValue") for d in r["Data"]] for r in rows],
                         [["id", "name"], ["1", "one"], ["2", "two"]])
        key = f"out/{query_id}.csv"
        self.assertDenied(lambda: client("s3").get_object(Bucket=RESULTS_BUCKET, Key=key),
                          "AccessDenied", 403,
                          implicit(name, "s3:GetObject", f"arn:aws:s3:::{RESULTS_BUCKET}/{key}",
                                   quote=True))
        harness.require_athena(self)
        creds = client("sts")._request_signer._credentials
        env = {"AWS_ACCESS_KEY_ID": creds.access_key, "AWS_SECRET_ACCESS_KEY": creds.secret_key,
               "NO_PROXY": "127.0.0.1,localhost"}
        base = ["--endpoint-url", self.srv.url, "--region", REGION, "--output", "csv"]
        rc, out, err = harness.run_athena(base + ["results", query_id], env=env)
        self.assertEqual((rc, out, err), (0, "id,name\n1,one\n2,two\n", ""))
        rc, out, err = harness.run_athena(base + ["--results-via", "s3", "results", query_id],
                                          env=env)
        self.assertEqual(rc, 4, out + err)
        self.assertIn("AccessDenied", err)

    # ---- IAM and STS ----

    def test_iam_and_sts(self):
        name, client = self.user()
        identity = client("sts").get_caller_identity()
        self.assertEqual(identity["Arn"], f"arn:aws:iam::{ACCOUNT}:user/{name}")
        self.assertDenied(lambda: client("iam").get_user(), "AccessDenied", 403,
                          implicit(name, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/{name}"))
        self.assertDenied(lambda: client("iam").list_users(), "AccessDenied", 403,
                          implicit(name, "iam:ListUsers", f"arn:aws:iam::{ACCOUNT}:user/"))
        # Self-service through a policy variable.
        name2, client2 = self.user(allow(["iam:GetUser", "iam:ListAccessKeys"],
                                         f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
        self.assertEqual(client2("iam").get_user()["User"]["UserName"], name2)
        self.assertEqual(len(client2("iam").list_access_keys()["AccessKeyMetadata"]), 1)
        self.assertDenied(lambda: client2("iam").get_user(UserName=name), "AccessDenied", 403,
                          implicit(name2, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/{name}"))


    def test_assumed_role_session(self):
        role = "r" + uuid.uuid4().hex[:10]
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole"}]}))
        self.iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=policy(
            allow("athena:ListWorkGroups",
                  Condition={"StringEquals": {"aws:PrincipalType": "AssumedRole"}})))
        outsider, outsider_client = self.user()
        self.assertDenied(
            lambda: outsider_client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1"),
            "AccessDenied", 403, implicit(outsider, "sts:AssumeRole", role_arn))
        _, client = self.user(allow("sts:AssumeRole", role_arn))
        creds = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="sess")["Credentials"]
        athena = self.srv.client("athena", access_key_id=creds["AccessKeyId"],
                                 secret_access_key=creds["SecretAccessKey"],
                                 session_token=creds["SessionToken"])
        athena.list_work_groups()
        session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/sess"
        self.assertDenied(
            lambda: athena.get_work_group(WorkGroup="primary"), "AccessDeniedException", 400,
            f"User: {session_arn} is not authorized to perform: athena:GetWorkGroup on resource: "
            f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary because no identity-based "
            "policy allows the athena:GetWorkGroup action")


class Ipv6SourceTest(unittest.TestCase):
    """athena-local bound to ::1: aws:SourceIp is the client's IPv6 address."""

    def test_source_ip_over_ipv6(self):
        try:
            server = athena_local(args=("--bind", "::1"))
            srv = server.__enter__()
        except (AssertionError, OSError) as exc:
            raise unittest.SkipTest(f"no IPv6 loopback here: {exc}")
        try:
            iam = srv.client("iam")
            clients = {}
            for name, cidr in (("v6", "::1/128"), ("v4", "127.0.0.0/8")):
                iam.create_user(UserName=name)
                iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(
                    allow("athena:ListWorkGroups",
                          Condition={"IpAddress": {"aws:SourceIp": cidr}})))
                key = iam.create_access_key(UserName=name)["AccessKey"]
                clients[name] = srv.client("athena", access_key_id=key["AccessKeyId"],
                                           secret_access_key=key["SecretAccessKey"])
            clients["v6"].list_work_groups()
            with self.assertRaises(ClientError) as caught:
                clients["v4"].list_work_groups()
            self.assertEqual(error_of(caught.exception)[1],
                             implicit("v4", "athena:ListWorkGroups"))
        finally:
            server.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
