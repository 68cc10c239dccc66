# athena-local's state across restarts of the process on the same data dir:
# after a clean stop (SIGTERM) the catalog, the workgroups and the query
# history (ids, states, statistics, result locations) are all still there
# and old results can still be fetched; after kill -9 in the middle of a
# long query, that query comes back FAILED with a reason (never RUNNING),
# no partial result file is left, and new queries work. S3 objects keep
# their ETag (a multipart one too), Content-Type and user metadata, while a
# file rewritten on disk during the downtime reads back with its new MD5.

import hashlib
import io
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import unittest
import uuid

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (  # noqa: E402
    FLIGHTS_ROW_COUNT, JOINED_AIRPORTS, RESULTS_URI, create_demo_tables, error_of,
    object_path, query_rows, require_sample_data, run_query, seed_demo_data, start_long_query,
    start_query, wait_for_query)
from local_harness import start_athena_local  # noqa: E402

JOIN_QUERY = ("SELECT f.origin, count(*) AS flights FROM demo.flights f"
              " JOIN demo.airports a ON f.origin = a.iata"
              " WHERE f.origin IN ('BTR', 'ORD', 'SFO') GROUP BY f.origin ORDER BY f.origin")
JOIN_ROWS = [["origin", "flights"]] + [[o, str(n)] for o, _, _, n, _, _ in JOINED_AIRPORTS]


def without_metadata(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


MIB = 1024 * 1024
OBJECT_FIELDS = ("ETag", "ContentType", "Metadata", "CacheControl", "ContentLength")


def object_view(s3, bucket, key):
    """What HEAD and GET answer about an object (they must agree)."""
    head = s3.head_object(Bucket=bucket, Key=key)
    got = s3.get_object(Bucket=bucket, Key=key)
    body = got["Body"].read()
    view = {f: head.get(f) for f in OBJECT_FIELDS}
    assert view == {f: got.get(f) for f in OBJECT_FIELDS}, (head, got)
    view["md5"] = hashlib.md5(body).hexdigest()
    return view


def listed_etags(s3, bucket):
    return {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}


class RestartTest(unittest.TestCase):

    def setUp(self):
        require_sample_data(self)
        self.scratch = tempfile.mkdtemp(prefix="athena-local-restart-")
        self.addCleanup(shutil.rmtree, self.scratch, True)
        self.data_dir = os.path.join(self.scratch, "data")
        seed_demo_data(self.data_dir)
        self.server = None

    def start(self, *args):
        self.server = start_athena_local(self.data_dir, args=args)
        self.addCleanup(self.server.stop)
        return self.server.client("athena")

    def stop(self, sig=signal.SIGTERM):
        return self.server.stop(sig=sig, grace=15)

    def snapshot(self, athena, query_ids, workgroup):
        """Everything the restart must keep, as boto3 returns it."""
        return {
            "executions": {qid: athena.get_query_execution(QueryExecutionId=qid)
                           ["QueryExecution"] for qid in query_ids},
            "primary_history": athena.list_query_executions(WorkGroup="primary")
            ["QueryExecutionIds"],
            "workgroup_history": athena.list_query_executions(WorkGroup=workgroup)
            ["QueryExecutionIds"],
            "workgroup": without_metadata(athena.get_work_group(WorkGroup=workgroup)),
            "workgroups": sorted(w["Name"] for w in athena.list_work_groups()["WorkGroups"]),
            "databases": without_metadata(athena.list_databases(CatalogName="AwsDataCatalog")),
            "tables": without_metadata(athena.list_table_metadata(
                CatalogName="AwsDataCatalog", DatabaseName="demo")),
            "flights": without_metadata(athena.get_table_metadata(
                CatalogName="AwsDataCatalog", DatabaseName="demo", TableName="flights")),
        }

    def test_clean_restart_keeps_catalog_workgroups_and_history(self):
        athena = self.start()
        create_demo_tables(athena)
        workgroup = "restart-" + uuid.uuid4().hex[:8]
        wg_output = f"s3://wg-results/{workgroup}/"
        athena.create_work_group(Name=workgroup, Configuration={
            "ResultConfiguration": {"OutputLocation": wg_output}})
        token = "restart-token-" + uuid.uuid4().hex

        succeeded = run_query(athena, JOIN_QUERY, ClientRequestToken=token)["QueryExecutionId"]
        failed = run_query(athena, "SELECT * FROM demo.no_such_table",
                           expect="FAILED")["QueryExecutionId"]
        cancelled = start_long_query(athena)
        athena.stop_query_execution(QueryExecutionId=cancelled)
        self.assertEqual(wait_for_query(athena, cancelled, 10)["Status"]["State"], "CANCELLED")
        ddl = run_query(athena, "SHOW TABLES IN demo")["QueryExecutionId"]
        in_workgroup = run_query(athena, "SELECT 'wg' AS w", output=None,
                                 WorkGroup=workgroup)["QueryExecutionId"]
        ids = [succeeded, failed, cancelled, ddl, in_workgroup]
        before = self.snapshot(athena, ids, workgroup)
        old_rows = query_rows(athena, succeeded)
        self.assertEqual(old_rows, JOIN_ROWS)
        self.assertEqual(before["executions"][in_workgroup]["ResultConfiguration"]
                         ["OutputLocation"], f"{wg_output}{in_workgroup}.csv")
        self.assertGreater(before["executions"][succeeded]["Statistics"]["DataScannedInBytes"], 0)

        self.assertEqual(self.stop(), 0, self.server.stderr_text())
        athena = self.start()

        after = self.snapshot(athena, ids, workgroup)
        for key in before:
            with self.subTest(kept=key):
                self.assertEqual(after[key], before[key])
        states = {qid: after["executions"][qid]["Status"]["State"] for qid in ids}
        self.assertEqual(states, {succeeded: "SUCCEEDED", failed: "FAILED",
                                  cancelled: "CANCELLED", ddl: "SUCCEEDED",
                                  in_workgroup: "SUCCEEDED"})
        self.assertEqual(query_rows(athena, succeeded), JOIN_ROWS)
        self.assertEqual(query_rows(athena, ddl), [["airports"], ["flights"]])
        self.assertEqual(query_rows(athena, in_workgroup), [["w"], ["wg"]])
        # The idempotency token is remembered too.
        self.assertEqual(start_query(athena, JOIN_QUERY, ClientRequestToken=token), succeeded)
        # The tables still work, and the workgroup still gives its output location.
        self.assertEqual(query_rows(athena, run_query(
            athena, "SELECT count(*) AS n FROM demo.flights")["QueryExecutionId"]),
            [["n"], [str(FLIGHTS_ROW_COUNT)]])
        qe = run_query(athena, "SELECT 1 AS one", output=None, WorkGroup=workgroup)
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{wg_output}{qe['QueryExecutionId']}.csv")

    def test_restart_keeps_object_metadata(self):
        self.start()
        s3 = self.server.client("s3")
        bucket = "meta-" + uuid.uuid4().hex[:8]
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="docs/a.json", Body=b'{"a": 1}',
                      ContentType="application/json", CacheControl="max-age=60",
                      Metadata={"owner": "ana", "team": "data eng"})
        big = os.urandom(11 * MIB)
        s3.upload_fileobj(io.BytesIO(big), bucket, "big/blob.bin",
                          ExtraArgs={"ContentType": "application/x-blob",
                                     "Metadata": {"parts": "three"}},
                          Config=TransferConfig(multipart_threshold=5 * MIB,
                                                multipart_chunksize=5 * MIB, use_threads=False))
        s3.copy_object(Bucket=bucket, Key="docs/copy.json",
                       CopySource={"Bucket": bucket, "Key": "docs/a.json"},
                       MetadataDirective="REPLACE", ContentType="text/plain",
                       Metadata={"copied": "yes"})
        s3.put_object(Bucket=bucket, Key="docs/rewritten.txt", Body=b"before",
                      ContentType="text/plain", Metadata={"stale": "yes"})
        s3.put_object(Bucket=bucket, Key="plain.bin", Body=b"no headers")
        s3.put_object(Bucket=bucket, Key="gone.txt", Body=b"deleted", ContentType="text/plain")
        s3.delete_object(Bucket=bucket, Key="gone.txt")
        keys = ["big/blob.bin", "docs/a.json", "docs/copy.json", "plain.bin"]
        before = {key: object_view(s3, bucket, key) for key in keys}
        listing = listed_etags(s3, bucket)
        self.assertRegex(before["big/blob.bin"]["ETag"], r'^"[0-9a-f]{32}-3"$')
        self.assertEqual(before["big/blob.bin"]["md5"], hashlib.md5(big).hexdigest())
        self.assertEqual(before["docs/copy.json"]["Metadata"], {"copied": "yes"})

        self.assertEqual(self.stop(), 0, self.server.stderr_text())
        # Behind the server's back: one object rewritten, one removed.
        rewritten = os.path.join(self.data_dir, "s3", bucket, "docs", "rewritten.txt")
        with open(rewritten, "wb") as f:
            f.write(b"rewritten on disk")
        os.remove(os.path.join(self.data_dir, "s3", bucket, "plain.bin"))
        self.start()
        s3 = self.server.client("s3")

        keys.remove("plain.bin")
        for key in keys:
            with self.subTest(key=key):
                self.assertEqual(object_view(s3, bucket, key), before[key])
        after_listing = listed_etags(s3, bucket)
        for key in keys:
            self.assertEqual(after_listing[key], listing[key])
        fresh = object_view(s3, bucket, "docs/rewritten.txt")
        new_md5 = hashlib.md5(b"rewritten on disk").hexdigest()
        self.assertEqual(fresh, {"ETag": f'"{new_md5}"', "ContentType": "application/octet-stream",
                                 "Metadata": {}, "CacheControl": None,
                                 "ContentLength": len(b"rewritten on disk"), "md5": new_md5})
        self.assertEqual(after_listing["docs/rewritten.txt"], f'"{new_md5}"')
        # A key written again takes its new metadata.
        s3.put_object(Bucket=bucket, Key="docs/a.json", Body=b"{}", ContentType="text/json")
        self.assertEqual(s3.head_object(Bucket=bucket, Key="docs/a.json")["ContentType"],
                         "text/json")

        # Emptying and deleting the bucket forgets all of it.
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [
            {"Key": k} for k in after_listing]})
        s3.delete_bucket(Bucket=bucket)
        self.assertEqual(self.stop(), 0, self.server.stderr_text())
        with sqlite3.connect(os.path.join(self.data_dir, "metadata.db")) as db:
            rows = db.execute("SELECT count(*) FROM s3_objects WHERE bucket = ?",
                              (bucket,)).fetchone()[0]
        self.assertEqual(rows, 0)

    def test_kill_9_during_a_long_query(self):
        athena = self.start("--workers", "1")
        create_demo_tables(athena)
        running = start_long_query(athena)
        queued = start_query(athena, "SELECT 5 AS five")
        self.assertEqual(athena.get_query_execution(QueryExecutionId=queued)
                         ["QueryExecution"]["Status"]["State"], "QUEUED")
        location = athena.get_query_execution(QueryExecutionId=running)[
            "QueryExecution"]["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"{RESULTS_URI}{running}.csv")

        self.assertEqual(self.stop(signal.SIGKILL), -signal.SIGKILL)
        athena = self.start("--workers", "1")

        qe = athena.get_query_execution(QueryExecutionId=running)["QueryExecution"]
        status = qe["Status"]
        self.assertEqual(status["State"], "FAILED", status)
        self.assertTrue(status.get("StateChangeReason", "").strip(), status)
        self.assertIn("CompletionDateTime", status)
        with self.assertRaises(ClientError) as cm:
            athena.get_query_results(QueryExecutionId=running)
        self.assertEqual(error_of(cm.exception)[0], "InvalidRequestException")
        # No partial result file at the query's location.
        path = object_path(self.data_dir, location)
        self.assertFalse(os.path.exists(path), f"partial results left at {path}")
        # The query that was waiting is not stuck either.
        self.assertIn(wait_for_query(athena, queued, 15)["Status"]["State"],
                      ("FAILED", "SUCCEEDED"))
        # New queries work, on the same tables.
        qe = run_query(athena, "SELECT count(*) AS n FROM demo.airports", timeout=30)
        self.assertEqual(query_rows(athena, qe["QueryExecutionId"]), [["n"], ["3376"]])
        self.assertEqual(query_rows(athena, run_query(athena, JOIN_QUERY)["QueryExecutionId"]),
                         JOIN_ROWS)
        # A second clean restart keeps the verdict.
        self.assertEqual(self.stop(), 0, self.server.stderr_text())
        athena = self.start()
        again = athena.get_query_execution(QueryExecutionId=running)["QueryExecution"]["Status"]
        self.assertEqual((again["State"], again["StateChangeReason"]),
                         ("FAILED", status["StateChangeReason"]))


if __name__ == "__main__":
    unittest.main()
