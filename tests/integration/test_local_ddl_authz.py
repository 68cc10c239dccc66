# End-to-end tests of the permissions athena-local's catalog statements
# need, with unmodified boto3: an IAM user allowed only to start queries
# cannot DROP TABLE or CREATE TABLE AS SELECT; each statement needs the Glue
# action of each catalog operation it performs and s3:PutObject where it
# writes, the query ends FAILED with Athena's reason, and nothing changes.
# Also: the workgroup's bytes-scanned cutoff cancels CTAS, INSERT INTO and
# UNLOAD before their files appear, and those statements in a workgroup
# with managed query results (no output location).

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import object_path, run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402
from iam_fixtures import ACCOUNT, REGION, allow, create_user, implicit  # noqa: E402

DATA_BUCKET = "ddl-data"
RESULTS_BUCKET = "ddl-results"
RESULTS_URI = f"s3://{RESULTS_BUCKET}/out/"
GLUE = f"arn:aws:glue:{REGION}:{ACCOUNT}:"
REASON = "Insufficient permissions to execute the query. "
CUTOFF = 10_000_000          # Athena's smallest BytesScannedCutoffPerQuery
BIG_ROWS = 700_000           # about 11 MB of CSV: over the cutoff


START_QUERIES = allow("athena:*")
RESULTS_WRITE = allow("s3:PutObject", f"arn:aws:s3:::{RESULTS_BUCKET}/*")
DATA_READ = allow(["s3:ListBucket", "s3:GetObject"],
                  [f"arn:aws:s3:::{DATA_BUCKET}", f"arn:aws:s3:::{DATA_BUCKET}/*"])


class DdlAuthzTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls._server = athena_local()
        cls.srv = cls._server.__enter__()
        cls.root = cls.srv.client("athena")
        cls.glue = cls.srv.client("glue")
        cls.iam = cls.srv.client("iam")
        cls.s3 = cls.srv.client("s3")
        for bucket in (DATA_BUCKET, RESULTS_BUCKET):
            cls.s3.create_bucket(Bucket=bucket)
        cls.s3.put_object(Bucket=DATA_BUCKET, Key="t/part1.csv", Body=b"1,one\n2,two\n")
        half = BIG_ROWS // 2   # two objects: one upload is limited in size
        for part, rows in enumerate((range(half), range(half, BIG_ROWS))):
            body = "".join(f"{i},row-number-{i}\n" for i in rows).encode()
            assert len(body) > CUTOFF // 2
            cls.s3.put_object(Bucket=DATA_BUCKET, Key=f"big/part{part}.csv", Body=body)
        for sql in ("CREATE DATABASE ddlz",
                    "CREATE EXTERNAL TABLE ddlz.t (id int, name string) ROW FORMAT DELIMITED "
                    f"FIELDS TERMINATED BY ',' LOCATION 's3://{DATA_BUCKET}/t/'",
                    "CREATE EXTERNAL TABLE ddlz.big (id int, name string) ROW FORMAT DELIMITED "
                    f"FIELDS TERMINATED BY ',' LOCATION 's3://{DATA_BUCKET}/big/'"):
            run_query(cls.root, sql, output=RESULTS_URI)
        cls.root.create_work_group(Name="capped", Configuration={
            "ResultConfiguration": {"OutputLocation": RESULTS_URI},
            "BytesScannedCutoffPerQuery": CUTOFF})
        cls.root.create_work_group(Name="managed", Configuration={
            "ManagedQueryResultsConfiguration": {"Enabled": True}})

    @classmethod
    def tearDownClass(cls):
        cls._server.__exit__(None, None, None)

    def user(self, *statements):
        name, key = create_user(self.iam, *statements)
        athena = self.srv.client("athena", access_key_id=key["AccessKeyId"],
                                 secret_access_key=key["SecretAccessKey"])
        return name, athena

    def refused(self, athena, sql):
        qe = run_query(athena, sql, expect="FAILED", output=RESULTS_URI)
        status = qe["Status"]
        self.assertEqual(status["AthenaError"]["ErrorCategory"], 2, status)
        return status["StateChangeReason"]

    def table_names(self):
        return sorted(t["Name"] for t in self.glue.get_tables(DatabaseName="ddlz")["TableList"])

    def keys(self, bucket, prefix):
        listed = self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [o["Key"] for o in listed.get("Contents", [])]

    # ---- the gap: only athena:StartQueryExecution ----

    def test_start_query_alone_cannot_drop_or_create(self):
        name, athena = self.user(START_QUERIES, RESULTS_WRITE)
        before = self.table_names()
        self.assertEqual(self.refused(athena, "DROP TABLE ddlz.t"),
                         REASON + implicit(name, "glue:GetTable", GLUE + "catalog"))
        self.assertEqual(
            self.refused(athena, "CREATE TABLE ddlz.copy WITH (external_location = "
                                 f"'s3://{DATA_BUCKET}/copy/') AS SELECT * FROM ddlz.t"),
            REASON + implicit(name, "glue:GetDatabase", GLUE + "catalog"))
        self.assertEqual(self.refused(athena, "CREATE DATABASE mine"),
                         REASON + implicit(name, "glue:CreateDatabase", GLUE + "catalog"))
        self.assertEqual(self.refused(athena, "SHOW TABLES IN ddlz"),
                         REASON + implicit(name, "glue:GetTables", GLUE + "catalog"))
        self.assertEqual(self.table_names(), before)
        self.assertEqual(self.keys(DATA_BUCKET, "copy/"), [])

    def test_glue_permissions_per_statement(self):
        table = GLUE + "table/ddlz/mine"
        scope = [GLUE + "catalog", GLUE + "database/ddlz", table]
        name, athena = self.user(START_QUERIES, RESULTS_WRITE,
                                 allow(["glue:GetDatabase", "glue:CreateTable", "glue:GetTable"],
                                       scope))
        create = ("CREATE EXTERNAL TABLE ddlz.{} (id int) "
                  f"LOCATION 's3://{DATA_BUCKET}/mine/'")
        self.assertEqual(self.refused(athena, create.format("other")),
                         REASON + implicit(name, "glue:CreateTable", GLUE + "table/ddlz/other"))
        run_query(athena, create.format("mine"), output=RESULTS_URI)
        run_query(athena, "DESCRIBE ddlz.mine", output=RESULTS_URI)
        self.assertEqual(self.refused(athena, "DROP TABLE ddlz.mine"),
                         REASON + implicit(name, "glue:DeleteTable", GLUE + "catalog"))
        self.assertIn("mine", self.table_names())
        self.glue.delete_table(DatabaseName="ddlz", Name="mine")

    def test_ctas_needs_put_object_on_its_location(self):
        name, athena = self.user(START_QUERIES, RESULTS_WRITE, DATA_READ, allow("glue:*"))
        target = f"s3://{DATA_BUCKET}/ctas/"
        sql = (f"CREATE TABLE ddlz.ctas WITH (external_location = '{target}') AS "
               "SELECT * FROM ddlz.t")
        self.assertEqual(self.refused(athena, sql),
                         f"Permission denied on S3 path: {target}. " +
                         implicit(name, "s3:PutObject", f"arn:aws:s3:::{DATA_BUCKET}/ctas/*",
                                  quote=True))
        self.assertNotIn("ctas", self.table_names())
        self.assertEqual(self.keys(DATA_BUCKET, "ctas/"), [])
        _, writer = self.user(START_QUERIES, RESULTS_WRITE, DATA_READ, allow("glue:*"),
                              allow("s3:PutObject", f"arn:aws:s3:::{DATA_BUCKET}/ctas/*"))
        run_query(writer, sql, output=RESULTS_URI)
        self.assertIn("ctas", self.table_names())
        self.assertEqual(len(self.keys(DATA_BUCKET, "ctas/")), 1)

    def test_insert_and_unload_need_put_object(self):
        name, athena = self.user(START_QUERIES, RESULTS_WRITE, DATA_READ, allow("glue:*"))
        self.assertEqual(self.refused(athena, "INSERT INTO ddlz.t SELECT 3, 'three'"),
                         f"Permission denied on S3 path: s3://{DATA_BUCKET}/t/. " +
                         implicit(name, "s3:PutObject", f"arn:aws:s3:::{DATA_BUCKET}/t/*",
                                  quote=True))
        self.assertEqual(self.keys(DATA_BUCKET, "t/"), ["t/part1.csv"])
        target = f"s3://{DATA_BUCKET}/unloaded/"
        self.assertEqual(
            self.refused(athena, f"UNLOAD (SELECT * FROM ddlz.t) TO '{target}' "
                                 "WITH (format = 'JSON')"),
            f"Permission denied on S3 path: {target}. " +
            implicit(name, "s3:PutObject", f"arn:aws:s3:::{DATA_BUCKET}/unloaded/*",
                     quote=True))
        self.assertEqual(self.keys(DATA_BUCKET, "unloaded/"), [])

    # ---- the bytes-scanned cutoff ----

    def test_cutoff_cancels_writes_before_they_appear(self):
        statements = {
            "CREATE TABLE ddlz.capped WITH (external_location = "
            f"'s3://{DATA_BUCKET}/capped/') AS SELECT * FROM ddlz.big": "capped/",
            "INSERT INTO ddlz.t SELECT * FROM ddlz.big": "t/",
            f"UNLOAD (SELECT * FROM ddlz.big) TO 's3://{DATA_BUCKET}/capped-unload/' "
            "WITH (format = 'JSON')": "capped-unload/",
        }
        for sql, prefix in statements.items():
            before = self.keys(DATA_BUCKET, prefix)
            qe = run_query(self.root, sql, expect="CANCELLED", output=None, WorkGroup="capped")
            self.assertEqual(qe["Status"]["StateChangeReason"],
                             "Bytes scanned limit was exceeded")
            self.assertGreater(qe["Statistics"]["DataScannedInBytes"], CUTOFF)
            self.assertNotIn("DataManifestLocation", qe["Statistics"])
            self.assertEqual(self.keys(DATA_BUCKET, prefix), before, sql)
        self.assertNotIn("capped", self.table_names())
        # Hidden staging folders are gone too.
        bucket_dir = object_path(self.srv.data_dir, f"s3://{DATA_BUCKET}/x").rsplit("/", 1)[0]
        self.assertEqual([e for e in os.listdir(bucket_dir) if e.startswith(".")], [])

    # ---- managed query results ----

    def test_writes_in_a_managed_workgroup(self):
        qe = run_query(self.root, "CREATE TABLE ddlz.nowhere AS SELECT * FROM ddlz.t",
                       expect="FAILED", output=None, WorkGroup="managed")
        self.assertEqual(qe["Status"]["StateChangeReason"],
                         "INVALID_TABLE_PROPERTY: external_location is required when the query "
                         "has no output location")
        self.assertNotIn("nowhere", self.table_names())
        target = f"s3://{DATA_BUCKET}/managed-ctas/"
        qe = run_query(self.root, f"CREATE TABLE ddlz.managed WITH (external_location = "
                                  f"'{target}') AS SELECT * FROM ddlz.t",
                       output=None, WorkGroup="managed")
        self.assertNotIn("DataManifestLocation", qe["Statistics"])
        self.assertEqual(len(self.keys(DATA_BUCKET, "managed-ctas/")), 1)
        qe = run_query(self.root, "INSERT INTO ddlz.managed SELECT 3, 'three'", output=None,
                       WorkGroup="managed")
        self.assertNotIn("DataManifestLocation", qe["Statistics"])
        self.assertEqual(len(self.keys(DATA_BUCKET, "managed-ctas/")), 2)
        qe = run_query(self.root, f"UNLOAD (SELECT * FROM ddlz.managed) TO "
                                  f"'s3://{DATA_BUCKET}/managed-unload/' WITH (format = 'JSON')",
                       output=None, WorkGroup="managed")
        self.assertNotIn("DataManifestLocation", qe["Statistics"])
        self.assertEqual(len(self.keys(DATA_BUCKET, "managed-unload/")), 1)
        rows = self.root.get_query_results(QueryExecutionId=qe["QueryExecutionId"])
        self.assertEqual(rows["ResultSet"]["Rows"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
