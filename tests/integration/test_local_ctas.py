# End-to-end tests of the statements that write data in athena-local, with
# unmodified boto3: CREATE TABLE AS SELECT (Parquet, partitioned TEXTFILE,
# JSON, default location, parameters), INSERT INTO (appends, partitions
# registered and visible through Glue GetPartitions), UNLOAD (files read back
# through S3 GetObject, the manifest), and the refusals (existing table,
# non-empty location, missing bucket, traversal, hostile SQL in the SELECT
# part), checking that a refused statement leaves nothing behind.

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (DemoServerTest, LONG_QUERY, RESULTS_URI, query_rows,  # noqa: E402
                            run_query, select_rows, start_query,
                            wait_for_query)

ORIGINS = "('SFO', 'LAX', 'SEA')"


def split_uri(uri):
    bucket, _, key = uri[len("s3://"):].partition("/")
    return bucket, key


class CtasTest(DemoServerTest):

    clients = ("glue", "s3")

    # ---- helpers ----

    def query(self, sql, expect="SUCCEEDED", **kwargs):
        return run_query(self.athena, sql, expect=expect, database="demo", **kwargs)

    def fails(self, sql, reason_start, **kwargs):
        qe = self.query(sql, expect="FAILED", **kwargs)
        reason = qe["Status"].get("StateChangeReason", "")
        self.assertTrue(reason.startswith(reason_start), f"{sql!r}: {reason!r}")
        return reason

    def keys(self, bucket, prefix):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def get_object(self, uri):
        bucket, key = split_uri(uri)
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def manifest(self, qe):
        location = qe["Statistics"]["DataManifestLocation"]
        self.assertTrue(location.endswith(qe["QueryExecutionId"] + "-manifest.csv"), location)
        self.assertTrue(location.startswith(RESULTS_URI), location)
        return self.get_object(location).decode().splitlines()

    def same_rows(self, sql_new, sql_source):
        new, source = select_rows(self.athena, sql_new), select_rows(self.athena, sql_source)
        self.assertGreater(len(source), 1)
        self.assertEqual(new[1:], source[1:])

    def staging_left(self):
        return [os.path.join(folder, name)
                for folder, dirs, files in os.walk(os.path.join(self.srv.data_dir, "s3"))
                for name in dirs + files if ".tmp-" in name]

    # ---- CTAS ----

    def test_ctas_parquet_default_location(self):
        qe = self.query("CREATE TABLE by_origin AS SELECT origin, count(*) AS flights, "
                      "sum(delay) AS total_delay FROM flights GROUP BY origin")
        qid = qe["QueryExecutionId"]
        self.assertEqual((qe["StatementType"], qe["SubstatementType"]),
                         ("DDL", "CREATE_TABLE_AS_SELECT"))
        self.assertGreater(qe["Statistics"]["DataScannedInBytes"], 1_000_000)
        origins = select_rows(self.athena, "SELECT count(DISTINCT origin) FROM demo.flights")
        self.assertEqual(query_rows(self.athena, qid), [[origins[1][0]]])
        table = self.glue.get_table(DatabaseName="demo", Name="by_origin")["Table"]
        sd = table["StorageDescriptor"]
        self.assertEqual(sd["Location"], f"{RESULTS_URI}tables/{qid}/")
        self.assertEqual(sd["SerdeInfo"]["SerializationLibrary"],
                         "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
        self.assertEqual(sd["InputFormat"],
                         "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
        self.assertEqual([(c["Name"], c["Type"]) for c in sd["Columns"]],
                         [("origin", "string"), ("flights", "bigint"), ("total_delay", "bigint")])
        self.assertEqual(table["TableType"], "EXTERNAL_TABLE")
        bucket, prefix = split_uri(sd["Location"])
        keys = self.keys(bucket, prefix)
        self.assertTrue(keys)
        self.assertEqual(self.manifest(qe), [f"s3://{bucket}/{k}" for k in keys])
        self.assertEqual(self.get_object(f"s3://{bucket}/{keys[0]}")[:4], b"PAR1")
        self.same_rows("SELECT * FROM demo.by_origin ORDER BY origin",
                       "SELECT origin, count(*), sum(delay) FROM demo.flights "
                       "GROUP BY origin ORDER BY origin")

    def test_ctas_partitioned_textfile(self):
        qe = self.query("CREATE TABLE legs WITH (format = 'TEXTFILE', field_delimiter = ',', "
                      "external_location = 's3://demo/legs/', partitioned_by = ARRAY['origin']) "
                      f"AS SELECT destination, delay, distance, origin FROM flights "
                      f"WHERE origin IN {ORIGINS}")
        parts = self.glue.get_partitions(DatabaseName="demo", TableName="legs")["Partitions"]
        self.assertEqual(sorted(p["Values"] for p in parts), [["LAX"], ["SEA"], ["SFO"]])
        self.assertEqual(sorted(p["StorageDescriptor"]["Location"] for p in parts),
                         ["s3://demo/legs/origin=LAX", "s3://demo/legs/origin=SEA",
                          "s3://demo/legs/origin=SFO"])
        keys = self.keys("demo", "legs/")
        self.assertEqual(sorted({k.split("/")[1] for k in keys}),
                         ["origin=LAX", "origin=SEA", "origin=SFO"])
        self.assertTrue(all(k.endswith(".gz") for k in keys), keys)
        self.assertEqual(self.manifest(qe), [f"s3://demo/{k}" for k in keys])
        table = self.glue.get_table(DatabaseName="demo", Name="legs")["Table"]
        self.assertEqual(table["PartitionKeys"], [{"Name": "origin", "Type": "string"}])
        self.assertEqual(table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"], ",")
        self.same_rows("SELECT origin, count(*), sum(delay), sum(distance) FROM demo.legs "
                       "GROUP BY origin ORDER BY origin",
                       "SELECT origin, count(*), sum(delay), sum(distance) FROM demo.flights "
                       f"WHERE origin IN {ORIGINS} GROUP BY origin ORDER BY origin")
        # Pruning works on the registered partitions.
        one = self.query("SELECT count(*) FROM legs WHERE origin = 'SEA'")
        every = self.query("SELECT count(*) FROM legs")
        self.assertLess(one["Statistics"]["DataScannedInBytes"],
                        every["Statistics"]["DataScannedInBytes"])

    def test_ctas_json_with_parameters(self):
        self.query("CREATE TABLE ca_airports WITH (format = 'JSON', external_location = "
                 "'s3://demo/ca-airports/') AS SELECT iata, name, latitude FROM airports "
                 "WHERE state = ?", ExecutionParameters=["'CA'"])
        table = self.glue.get_table(DatabaseName="demo", Name="ca_airports")["Table"]
        self.assertEqual(table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
                         "org.apache.hive.hcatalog.data.JsonSerDe")
        self.same_rows("SELECT * FROM demo.ca_airports ORDER BY iata",
                       "SELECT iata, name, latitude FROM demo.airports WHERE state = 'CA' "
                       "ORDER BY iata")

    def test_ctas_with_no_data(self):
        qe = self.query("CREATE TABLE shape WITH (external_location = 's3://demo/shape/') AS "
                      "SELECT * FROM flights WITH NO DATA")
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], 0)
        self.assertEqual(self.keys("demo", "shape/"), [])
        self.assertEqual(select_rows(self.athena, "SELECT count(*) FROM demo.shape"),
                         [["_col0"], ["0"]])
        columns = self.glue.get_table(DatabaseName="demo", Name="shape")["Table"][
            "StorageDescriptor"]["Columns"]
        self.assertEqual([c["Type"] for c in columns],
                         ["timestamp", "bigint", "bigint", "string", "string"])

    # ---- INSERT INTO ----

    def test_insert_into_appends(self):
        self.query("CREATE TABLE seattle WITH (external_location = 's3://demo/seattle/') AS "
                 "SELECT * FROM flights WHERE origin = 'SEA'")
        before = select_rows(self.athena, "SELECT count(*), sum(delay) FROM demo.seattle")
        files_before = self.keys("demo", "seattle/")
        qe = self.query("INSERT INTO seattle SELECT * FROM seattle")
        self.assertEqual((qe["StatementType"], qe["SubstatementType"]), ("DML", "INSERT"))
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]),
                         [["rows"], [before[1][0]]])
        after = select_rows(self.athena, "SELECT count(*), sum(delay) FROM demo.seattle")
        self.assertEqual(int(after[1][0]), 2 * int(before[1][0]))
        self.assertEqual(int(after[1][1]), 2 * int(before[1][1]))
        files_after = self.keys("demo", "seattle/")
        self.assertEqual(len(files_after), len(files_before) + 1)
        self.assertTrue(set(files_before) < set(files_after))
        new_file = (set(files_after) - set(files_before)).pop()
        self.assertIn(qe["QueryExecutionId"], new_file)
        self.assertEqual(self.manifest(qe), [f"s3://demo/{new_file}"])
        self.query("INSERT INTO seattle (origin, delay) VALUES ('XXX', 42)")
        self.assertEqual(select_rows(self.athena, "SELECT delay, distance, destination FROM "
                                                  "demo.seattle WHERE origin = 'XXX'"),
                         [["delay", "distance", "destination"], ["42", None, None]])

    def test_partitioned_insert_registers_partitions(self):
        self.query("CREATE TABLE routes WITH (external_location = 's3://demo/routes/', "
                 "partitioned_by = ARRAY['origin']) AS SELECT destination, distance, origin "
                 "FROM flights WHERE origin = 'SFO'")
        self.query("INSERT INTO routes SELECT destination, distance, origin FROM flights "
                 "WHERE origin IN ('SFO', 'JFK')")
        parts = self.glue.get_partitions(DatabaseName="demo", TableName="routes")["Partitions"]
        self.assertEqual(sorted(p["Values"] for p in parts), [["JFK"], ["SFO"]])
        self.assertEqual(len(self.keys("demo", "routes/origin=SFO/")), 2)
        self.same_rows("SELECT origin, count(*) FROM demo.routes GROUP BY origin ORDER BY origin",
                       "SELECT origin, count(*) * IF(origin = 'SFO', 2, 1) FROM demo.flights "
                       "WHERE origin IN ('SFO', 'JFK') GROUP BY origin ORDER BY origin")

    # ---- UNLOAD ----

    def test_unload_parquet_and_text(self):
        qe = self.query("UNLOAD (SELECT iata, name, state FROM airports WHERE country = 'USA') "
                      "TO 's3://demo/exports/airports/' WITH (format = 'PARQUET')")
        self.assertEqual((qe["StatementType"], qe["SubstatementType"]), ("DML", "UNLOAD"))
        keys = self.keys("demo", "exports/airports/")
        self.assertTrue(keys)
        self.assertEqual(self.manifest(qe), [f"s3://demo/{k}" for k in keys])
        body = self.get_object(f"s3://demo/{keys[0]}")
        self.assertEqual((body[:4], body[-4:]), (b"PAR1", b"PAR1"))
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]), [])
        self.assertRaises(Exception, self.glue.get_table, DatabaseName="demo", Name="airports_x")

        self.query("UNLOAD (SELECT iata, state FROM airports WHERE state IN ('CA', 'OR') "
                 "ORDER BY iata) TO 's3://demo/exports/by-state/' WITH (format = 'TEXTFILE', "
                 "compression = 'NONE', field_delimiter = '\t', partitioned_by = ARRAY['state'])")
        keys = self.keys("demo", "exports/by-state/")
        self.assertEqual(sorted({k.split("/")[2] for k in keys}), ["state=CA", "state=OR"])
        oregon = [k for k in keys if "/state=OR/" in k]
        lines = self.get_object(f"s3://demo/{oregon[0]}").decode().splitlines()
        expected = select_rows(self.athena, "SELECT iata FROM demo.airports WHERE state = 'OR' "
                                            "ORDER BY iata")
        self.assertEqual(lines, [row[0] for row in expected[1:]])

    # ---- refusals ----

    def test_refusals_leave_nothing(self):
        self.query("CREATE TABLE first WITH (external_location = 's3://demo/first/') AS "
                 "SELECT 1 AS x")
        self.fails("CREATE TABLE first AS SELECT 2 AS x",
                   "TABLE_ALREADY_EXISTS: Destination table 'awsdatacatalog.demo.first' "
                   "already exists")
        self.fails("CREATE TABLE second WITH (external_location = 's3://demo/flights/') AS "
                   "SELECT 1 AS x",
                   "HIVE_PATH_ALREADY_EXISTS: Target directory for table 'demo.second' already "
                   "exists: s3://demo/flights/")
        self.fails("CREATE TABLE second WITH (external_location = 's3://no-such-bucket/x/') "
                   "AS SELECT 1 AS x", "NoSuchBucket: The specified bucket does not exist")
        self.fails("UNLOAD (SELECT 1 AS x) TO 's3://no-such-bucket/x/' WITH (format = 'JSON')",
                   "NoSuchBucket: ")
        self.fails("UNLOAD (SELECT 1 AS x) TO 's3://demo/airports/' WITH (format = 'JSON')",
                   "HIVE_PATH_ALREADY_EXISTS: ")
        canary = os.path.join(self.srv.scratch_dir, "canary")
        for location in ("s3://demo/../../canary/", "s3://demo/a/./../../canary/",
                         f"file://{canary}/", f"{canary}/"):
            with self.subTest(location=location):
                self.fails(f"CREATE TABLE second WITH (external_location = '{location}') AS "
                           "SELECT 1 AS x", "INVALID_TABLE_PROPERTY: Invalid location")
        # An encoded dot-dot is a literal key segment, as in S3: it stays inside.
        self.query("CREATE TABLE encoded WITH (external_location = 's3://demo/%2e%2e/canary/') "
                   "AS SELECT 1 AS x")
        self.assertTrue(self.keys("demo", "%2e%2e/canary/"))
        self.fails("UNLOAD (SELECT 1 AS x) TO 's3://demo/../canary/' WITH (format = 'JSON')",
                   "line 1:")
        self.assertFalse(os.path.exists(canary))
        out = os.path.join(self.srv.scratch_dir, "stolen.csv")
        hostile = [
            "CREATE TABLE second AS SELECT * FROM read_text('/etc/passwd')",
            f"CREATE TABLE second AS SELECT 1 AS x; COPY (SELECT 1) TO '{out}'",
            "CREATE TABLE second AS SELECT 1 AS x) AS q; DROP TABLE demo.flights; --",
            "CREATE TABLE second AS SELECT current_setting('allowed_directories') AS d",
            "INSERT INTO first SELECT * FROM read_csv('/etc/passwd')",
            f"UNLOAD (SELECT 1 AS x) TO 's3://demo/u1/' WITH (format = 'JSON') ; COPY "
            f"(SELECT 1) TO '{out}'",
            "UNLOAD (SELECT content FROM read_text('/etc/passwd')) TO 's3://demo/u2/' "
            "WITH (format = 'TEXTFILE')",
        ]
        for sql in hostile:
            with self.subTest(sql=sql):
                self.query(sql, expect="FAILED")
        self.assertFalse(os.path.exists(out))
        self.assertEqual(self.keys("demo", "u1/") + self.keys("demo", "u2/"), [])
        self.assertRaises(Exception, self.glue.get_table, DatabaseName="demo", Name="second")
        self.assertEqual(select_rows(self.athena, "SELECT x FROM demo.first"), [["x"], ["1"]])
        self.assertEqual(self.staging_left(), [])

    def test_stopped_ctas_leaves_nothing(self):
        qid = start_query(self.athena, "CREATE TABLE endless WITH (external_location = "
                          f"'s3://demo/endless/') AS {LONG_QUERY}", database="demo")
        wait_for_query(self.athena, qid, 30, states=("RUNNING",))
        self.athena.stop_query_execution(QueryExecutionId=qid)
        qe = wait_for_query(self.athena, qid, 30)
        self.assertEqual(qe["Status"]["State"], "CANCELLED")
        self.assertEqual(self.keys("demo", "endless/"), [])
        self.assertRaises(Exception, self.glue.get_table, DatabaseName="demo", Name="endless")
        self.assertEqual(self.staging_left(), [])

    def test_unsupported_requests_are_clear(self):
        self.fails("CREATE TABLE orc_copy WITH (format = 'ORC') AS SELECT 1 AS x",
                   "NOT_SUPPORTED: athena-local writes PARQUET, TEXTFILE and JSON")
        self.fails("CREATE TABLE b WITH (bucketed_by = ARRAY['x'], bucket_count = 2) AS "
                   "SELECT 1 AS x", "NOT_SUPPORTED: Bucketed tables")
        self.fails("INSERT INTO airports SELECT * FROM airports",
                   "NOT_SUPPORTED: athena-local inserts into Parquet, TEXTFILE")
        self.fails("CREATE TABLE p WITH (partitioned_by = ARRAY['origin']) AS "
                   "SELECT origin, delay FROM flights",
                   "HIVE_COLUMN_ORDER_MISMATCH: ")


if __name__ == "__main__":
    unittest.main()
