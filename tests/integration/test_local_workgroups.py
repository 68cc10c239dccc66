# End-to-end tests of Athena workgroups in athena-local, with boto3 and the
# AWS CLI v2 (/usr/bin/aws): create, get, list, update and delete (plain
# and recursive; "primary" cannot be deleted), validation errors, the
# workgroup's result location overriding the client's when enforced, a
# disabled workgroup refusing queries, BytesScannedCutoffPerQuery cancelling
# a query over the 13 MB sample flights table (the cutoff's minimum is
# 10 MB), managed query results (kept by the service, never in an S3
# bucket, read back through GetQueryResults), and per-workgroup history.

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

from botocore.exceptions import ClientError, ParamValidationError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import (  # noqa: E402
    DemoServerTest, FLIGHTS_PARQUET, AIRPORTS_CSV, RESULTS_URI, error_of, object_path,
    query_rows, raw_athena_call, run_query, start_query, wait_for_query)

V2_PATH = "/usr/bin/aws"
MIN_CUTOFF = 10000000
MANAGED_CONFLICT = "ManagedQueryResultsConfiguration and ResultConfiguration cannot be set together."


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class SharedServer(DemoServerTest):
    """One athena-local with the demo tables for the whole class."""

    def assert_refused(self, call, message_part, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        code, message, status = error_of(cm.exception)
        self.assertEqual((code, status), ("InvalidRequestException", 400), message)
        self.assertIn(message_part, message)
        return message

    def s3_files(self):
        """Every file under the data dir's S3 root (relative paths)."""
        root = os.path.join(self.srv.data_dir, "s3")
        found = []
        for folder, _dirs, files in os.walk(root):
            found.extend(os.path.relpath(os.path.join(folder, f), root) for f in files)
        return found


class WorkgroupLifecycleTest(SharedServer):

    def test_create_get_list_update_delete(self):
        name = unique("life")
        output = f"s3://wg-results/{name}/"
        self.athena.create_work_group(
            Name=name, Description="first", Tags=[{"Key": "team", "Value": "data"}],
            Configuration={
                "ResultConfiguration": {"OutputLocation": output,
                                        "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
                "EnforceWorkGroupConfiguration": False,
                "PublishCloudWatchMetricsEnabled": True,
                "BytesScannedCutoffPerQuery": 20000000,
                "EngineVersion": {"SelectedEngineVersion": "AUTO"}})
        group = self.athena.get_work_group(WorkGroup=name)["WorkGroup"]
        self.assertEqual((group["Name"], group["State"], group["Description"]),
                         (name, "ENABLED", "first"))
        conf = group["Configuration"]
        self.assertEqual(conf["ResultConfiguration"]["OutputLocation"], output)
        self.assertEqual(conf["ResultConfiguration"]["EncryptionConfiguration"],
                         {"EncryptionOption": "SSE_S3"})
        self.assertEqual(conf["BytesScannedCutoffPerQuery"], 20000000)
        self.assertFalse(conf["EnforceWorkGroupConfiguration"])
        self.assertTrue(conf["PublishCloudWatchMetricsEnabled"])
        self.assertEqual(conf["EngineVersion"], {"SelectedEngineVersion": "AUTO",
                                                 "EffectiveEngineVersion":
                                                     "Athena engine version 3"})

        summaries = {w["Name"]: w for w in self.athena.list_work_groups()["WorkGroups"]}
        self.assertIn("primary", summaries)
        summary = summaries[name]
        self.assertEqual((summary["State"], summary["Description"]), ("ENABLED", "first"))
        self.assertEqual(summary["CreationTime"], group["CreationTime"])
        self.assertEqual(summary["EngineVersion"]["EffectiveEngineVersion"],
                         "Athena engine version 3")

        self.athena.update_work_group(
            WorkGroup=name, Description="second", State="DISABLED",
            ConfigurationUpdates={
                "EnforceWorkGroupConfiguration": True,
                "RemoveBytesScannedCutoffPerQuery": True,
                "ResultConfigurationUpdates": {"RemoveOutputLocation": True,
                                               "RemoveEncryptionConfiguration": True}})
        group = self.athena.get_work_group(WorkGroup=name)["WorkGroup"]
        self.assertEqual((group["State"], group["Description"]), ("DISABLED", "second"))
        conf = group["Configuration"]
        self.assertNotIn("BytesScannedCutoffPerQuery", conf)
        self.assertNotIn("OutputLocation", conf.get("ResultConfiguration", {}))
        self.assertNotIn("EncryptionConfiguration", conf.get("ResultConfiguration", {}))
        self.assertTrue(conf["EnforceWorkGroupConfiguration"])
        self.assertTrue(conf["PublishCloudWatchMetricsEnabled"])  # untouched

        self.athena.update_work_group(
            WorkGroup=name, State="ENABLED",
            ConfigurationUpdates={"ResultConfigurationUpdates": {"OutputLocation": output}})
        self.assertEqual(self.athena.get_work_group(WorkGroup=name)["WorkGroup"]["Configuration"]
                         ["ResultConfiguration"]["OutputLocation"], output)

        self.athena.delete_work_group(WorkGroup=name)
        self.assert_refused(self.athena.get_work_group, "not found", WorkGroup=name)
        self.assertNotIn(name, [w["Name"] for w in self.athena.list_work_groups()["WorkGroups"]])

    def test_validation_errors(self):
        name = unique("invalid")
        # botocore checks the model's minimum itself; the server does too.
        with self.assertRaises(ParamValidationError):
            self.athena.create_work_group(
                Name=name, Configuration={"BytesScannedCutoffPerQuery": MIN_CUTOFF - 1})
        status, parsed = raw_athena_call(self.srv, "CreateWorkGroup", {
            "Name": name, "Configuration": {"BytesScannedCutoffPerQuery": MIN_CUTOFF - 1}})
        self.assertEqual(status, 400)
        self.assertEqual(parsed["Error"]["Code"], "InvalidRequestException")
        self.assertIn("Member must have value greater than or equal to 10000000",
                      parsed["Error"]["Message"])
        self.assert_refused(self.athena.create_work_group, MANAGED_CONFLICT, Name=name,
                            Configuration={
                                "ResultConfiguration": {"OutputLocation": RESULTS_URI},
                                "ManagedQueryResultsConfiguration": {"Enabled": True}})
        self.assert_refused(self.athena.create_work_group, "Invalid OutputLocation", Name=name,
                            Configuration={"ResultConfiguration": {
                                "OutputLocation": "https://bucket/prefix/"}})
        status, parsed = raw_athena_call(self.srv, "UpdateWorkGroup",
                                         {"WorkGroup": "primary", "State": "PAUSED"})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "InvalidRequestException"))
        self.assertIn("enum value set: [ENABLED, DISABLED]", parsed["Error"]["Message"])
        self.assert_refused(self.athena.update_work_group, "not found", WorkGroup=unique("ghost"),
                            Description="x")
        # Nothing was created by the refused calls.
        self.assertNotIn(name, [w["Name"] for w in self.athena.list_work_groups()["WorkGroups"]])
        self.athena.create_work_group(Name=name)
        self.assert_refused(self.athena.create_work_group, "already created", Name=name)
        self.athena.delete_work_group(WorkGroup=name)

    def test_primary_cannot_be_deleted(self):
        for recursive in (False, True):
            self.assert_refused(self.athena.delete_work_group, "primary workgroup cannot be deleted",
                                WorkGroup="primary", RecursiveDeleteOption=recursive)
        self.assertEqual(self.athena.get_work_group(WorkGroup="primary")["WorkGroup"]["Name"],
                         "primary")

    def test_delete_needs_recursive_option_once_queries_ran(self):
        name = unique("history")
        output = f"s3://wg-results/{name}/"
        self.athena.create_work_group(
            Name=name, Configuration={"ResultConfiguration": {"OutputLocation": output}})
        qe = run_query(self.athena, "SELECT 7 AS seven", output=None, WorkGroup=name)
        result_file = object_path(self.srv.data_dir, qe["ResultConfiguration"]["OutputLocation"])
        self.assertTrue(os.path.isfile(result_file))

        self.assert_refused(self.athena.delete_work_group, f"WorkGroup {name} is not empty",
                            WorkGroup=name)
        self.assert_refused(self.athena.delete_work_group, "is not empty", WorkGroup=name,
                            RecursiveDeleteOption=False)
        self.assertEqual(self.athena.get_work_group(WorkGroup=name)["WorkGroup"]["Name"], name)

        self.athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)
        self.assert_refused(self.athena.get_work_group, "not found", WorkGroup=name)
        self.assert_refused(self.athena.get_query_execution, "was not found",
                            QueryExecutionId=qe["QueryExecutionId"])
        self.assertTrue(os.path.isfile(result_file), "results in the user's bucket must stay")
        # The name can be used again, with an empty history.
        self.athena.create_work_group(Name=name)
        self.assertEqual(self.athena.list_query_executions(WorkGroup=name)["QueryExecutionIds"],
                         [])
        self.athena.delete_work_group(WorkGroup=name)


class WorkgroupQueriesTest(SharedServer):

    def test_enforced_configuration_overrides_the_client(self):
        name = unique("enforced")
        output = f"s3://wg-results/{name}/"
        client_output = f"s3://client-results/{name}/"
        self.athena.create_work_group(Name=name, Configuration={
            "ResultConfiguration": {"OutputLocation": output},
            "EnforceWorkGroupConfiguration": True})
        qe = run_query(self.athena, "SELECT 1 AS one", output=client_output, WorkGroup=name)
        location = qe["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"{output}{qe['QueryExecutionId']}.csv")
        self.assertTrue(os.path.isfile(object_path(self.srv.data_dir, location)))
        self.assertFalse(any(qe["QueryExecutionId"] in f and f.startswith("client-results")
                             for f in self.s3_files()))
        # Not enforced: the client's location wins.
        self.athena.update_work_group(WorkGroup=name, ConfigurationUpdates={
            "EnforceWorkGroupConfiguration": False})
        qe = run_query(self.athena, "SELECT 2 AS two", output=client_output, WorkGroup=name)
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{client_output}{qe['QueryExecutionId']}.csv")

    def test_disabled_workgroup_rejects_queries(self):
        name = unique("disabled")
        self.athena.create_work_group(Name=name)
        self.athena.update_work_group(WorkGroup=name, State="DISABLED")
        self.assert_refused(self.athena.start_query_execution, f"WorkGroup {name} is disabled",
                            QueryString="SELECT 1", WorkGroup=name,
                            ResultConfiguration={"OutputLocation": RESULTS_URI})
        self.assertEqual(self.athena.list_query_executions(WorkGroup=name)["QueryExecutionIds"],
                         [])
        self.athena.update_work_group(WorkGroup=name, State="ENABLED")
        run_query(self.athena, "SELECT 1", WorkGroup=name)

    def test_bytes_scanned_cutoff_cancels_the_query(self):
        name = unique("capped")
        output = f"s3://wg-results/{name}/"
        self.athena.create_work_group(Name=name, Configuration={
            "ResultConfiguration": {"OutputLocation": output},
            "BytesScannedCutoffPerQuery": MIN_CUTOFF})
        flights_bytes = os.path.getsize(FLIGHTS_PARQUET)
        self.assertGreater(flights_bytes, MIN_CUTOFF)
        qe = run_query(self.athena, "SELECT count(*) FROM demo.flights", expect="CANCELLED",
                       output=None, WorkGroup=name)
        self.assertEqual(qe["Status"]["StateChangeReason"], "Bytes scanned limit was exceeded")
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], flights_bytes)
        self.assertIn("CompletionDateTime", qe["Status"])
        query_id = qe["QueryExecutionId"]
        self.assertFalse([f for f in self.s3_files() if query_id in f],
                         "a cancelled query must not leave results")
        self.assert_refused(self.athena.get_query_results, "CANCELLED",
                            QueryExecutionId=query_id)

        # A smaller table passes the same cutoff.
        qe = run_query(self.athena, "SELECT count(*) AS n FROM demo.airports", output=None,
                       WorkGroup=name)
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], os.path.getsize(AIRPORTS_CSV))
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"])[0], ["n"])

        # Without the cutoff the flights query runs.
        self.athena.update_work_group(WorkGroup=name, ConfigurationUpdates={
            "RemoveBytesScannedCutoffPerQuery": True})
        qe = run_query(self.athena, "SELECT count(*) AS n FROM demo.flights", output=None,
                       WorkGroup=name)
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]), [["n"], ["3000000"]])

    def test_managed_results_round_trip(self):
        name = unique("managed")
        self.athena.create_work_group(Name=name, Configuration={
            "ManagedQueryResultsConfiguration": {"Enabled": True}})
        conf = self.athena.get_work_group(WorkGroup=name)["WorkGroup"]["Configuration"]
        self.assertEqual(conf["ManagedQueryResultsConfiguration"], {"Enabled": True})

        sql = "SELECT iata, city FROM demo.airports WHERE iata IN ('ORD', 'SFO') ORDER BY iata"
        qe = run_query(self.athena, sql, output=None, WorkGroup=name)
        query_id = qe["QueryExecutionId"]
        self.assertEqual(qe["ManagedQueryResultsConfiguration"], {"Enabled": True})
        self.assertNotIn("OutputLocation", qe.get("ResultConfiguration", {}))
        self.assertEqual(query_rows(self.athena, query_id),
                         [["iata", "city"], ["ORD", "Chicago"], ["SFO", "San Francisco"]])
        # Paged one row at a time, too.
        pages = list(self.athena.get_paginator("get_query_results").paginate(
            QueryExecutionId=query_id, PaginationConfig={"PageSize": 1}))
        self.assertEqual(len(pages), 3)

        # The result is nowhere in S3: not on disk under the S3 root, not listed.
        self.assertFalse([f for f in self.s3_files() if query_id in f])
        s3 = self.srv.client("s3")
        for bucket in s3.list_buckets()["Buckets"]:
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])]
            self.assertFalse([k for k in keys if query_id in k], bucket["Name"])
        managed_file = os.path.join(self.srv.data_dir, "managed-results", name, f"{query_id}.csv")
        self.assertTrue(os.path.isfile(managed_file))

        # An output location in the request is refused...
        self.assert_refused(self.athena.start_query_execution, MANAGED_CONFLICT,
                            QueryString="SELECT 1", WorkGroup=name,
                            ResultConfiguration={"OutputLocation": RESULTS_URI})
        # ...and so is one in the workgroup while results are managed.
        self.assert_refused(self.athena.update_work_group, MANAGED_CONFLICT, WorkGroup=name,
                            ConfigurationUpdates={"ResultConfigurationUpdates": {
                                "OutputLocation": RESULTS_URI}})
        # Switching back to S3 needs both changes at once.
        self.athena.update_work_group(WorkGroup=name, ConfigurationUpdates={
            "ManagedQueryResultsConfigurationUpdates": {"Enabled": False},
            "ResultConfigurationUpdates": {"OutputLocation": f"s3://wg-results/{name}/"}})
        qe = run_query(self.athena, "SELECT 1 AS one", output=None, WorkGroup=name)
        self.assertTrue(qe["ResultConfiguration"]["OutputLocation"].startswith(
            f"s3://wg-results/{name}/"))
        # Old managed results stay readable until the workgroup goes.
        self.assertEqual(len(query_rows(self.athena, query_id)), 3)

        self.athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)
        self.assertFalse(os.path.exists(managed_file))

    def test_history_per_workgroup(self):
        first, second = unique("hist-a"), unique("hist-b")
        for name in (first, second):
            self.athena.create_work_group(Name=name, Configuration={
                "ResultConfiguration": {"OutputLocation": f"s3://wg-results/{name}/"}})
        ids = {first: [], second: []}
        for i, name in enumerate([first, second, first, first, second]):
            qe = run_query(self.athena, f"SELECT {i} AS i", output=None, WorkGroup=name)
            self.assertEqual(qe["WorkGroup"], name)
            ids[name].append(qe["QueryExecutionId"])
        for name in (first, second):
            listed = []
            for page in self.athena.get_paginator("list_query_executions").paginate(
                    WorkGroup=name, PaginationConfig={"PageSize": 2}):
                listed.extend(page["QueryExecutionIds"])
            self.assertEqual(listed, list(reversed(ids[name])))  # newest first
        primary = []
        for page in self.athena.get_paginator("list_query_executions").paginate():
            primary.extend(page["QueryExecutionIds"])
        self.assertFalse(set(primary) & set(ids[first] + ids[second]))


class WorkgroupsAwsCliV2Test(SharedServer):
    """The same operations as the AWS CLI v2 sends them."""

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(V2_PATH):
            raise unittest.SkipTest(f"AWS CLI v2 not installed ({V2_PATH} missing)")
        super().setUpClass()
        cls.home = tempfile.mkdtemp(prefix="awscli-home-")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.home, ignore_errors=True)

    def aws(self, *args, expect_ok=True):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": self.srv.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
            "AWS_CONFIG_FILE": os.path.join(self.home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "no-credentials"),
            "AWS_PAGER": "",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        cmd = [V2_PATH, "athena", *args, "--endpoint-url", self.srv.url,
               "--region", "us-east-1", "--output", "json"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL, cwd=self.home)
        if expect_ok:
            self.assertEqual(proc.returncode, 0, f"{args}: {proc.stderr}")
            return json.loads(proc.stdout) if proc.stdout.strip() else None
        self.assertNotEqual(proc.returncode, 0, f"{args} succeeded: {proc.stdout}")
        return proc

    def test_workgroup_commands(self):
        name = unique("cli")
        output = f"s3://wg-results/{name}/"
        self.aws("create-work-group", "--name", name, "--description", "from the cli",
                 "--configuration",
                 f"ResultConfiguration={{OutputLocation={output}}},"
                 f"EnforceWorkGroupConfiguration=true,BytesScannedCutoffPerQuery={MIN_CUTOFF}",
                 "--tags", "Key=team,Value=data")
        group = self.aws("get-work-group", "--work-group", name)["WorkGroup"]
        self.assertEqual(group["Description"], "from the cli")
        self.assertEqual(group["Configuration"]["BytesScannedCutoffPerQuery"], MIN_CUTOFF)
        self.assertTrue(group["Configuration"]["EnforceWorkGroupConfiguration"])
        listed = self.aws("list-work-groups")["WorkGroups"]
        self.assertIn(name, [w["Name"] for w in listed])

        # Enforced: the CLI's own --result-configuration is overridden.
        out = self.aws("start-query-execution", "--work-group", name, "--query-string",
                       "SELECT 42 AS answer", "--result-configuration",
                       "OutputLocation=s3://client-results/cli/")
        qe = wait_for_query(self.athena, out["QueryExecutionId"])
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{output}{out['QueryExecutionId']}.csv")
        # The cutoff, through the CLI's view of the execution.
        out = self.aws("start-query-execution", "--work-group", name, "--query-string",
                       "SELECT count(*) FROM demo.flights")
        wait_for_query(self.athena, out["QueryExecutionId"])
        qe = self.aws("get-query-execution", "--query-execution-id",
                      out["QueryExecutionId"])["QueryExecution"]
        self.assertEqual(qe["Status"]["State"], "CANCELLED")
        self.assertEqual(qe["Status"]["StateChangeReason"], "Bytes scanned limit was exceeded")
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], os.path.getsize(FLIGHTS_PARQUET))

        self.aws("update-work-group", "--work-group", name, "--state", "DISABLED",
                 "--configuration-updates",
                 "RemoveBytesScannedCutoffPerQuery=true,"
                 "ResultConfigurationUpdates={RemoveOutputLocation=true}")
        group = self.aws("get-work-group", "--work-group", name)["WorkGroup"]
        self.assertEqual(group["State"], "DISABLED")
        self.assertNotIn("BytesScannedCutoffPerQuery", group["Configuration"])
        self.assertNotIn("OutputLocation", group["Configuration"].get("ResultConfiguration", {}))
        proc = self.aws("start-query-execution", "--work-group", name, "--query-string",
                        "SELECT 1", "--result-configuration", f"OutputLocation={RESULTS_URI}",
                        expect_ok=False)
        self.assertIn("(InvalidRequestException)", proc.stderr)
        self.assertIn(f"WorkGroup {name} is disabled", proc.stderr)

        proc = self.aws("delete-work-group", "--work-group", name, expect_ok=False)
        self.assertIn(f"WorkGroup {name} is not empty", proc.stderr)
        self.aws("delete-work-group", "--work-group", name, "--recursive-delete-option")
        proc = self.aws("get-work-group", "--work-group", name, expect_ok=False)
        self.assertIn("(InvalidRequestException)", proc.stderr)

        proc = self.aws("delete-work-group", "--work-group", "primary",
                        "--recursive-delete-option", expect_ok=False)
        self.assertIn("(InvalidRequestException)", proc.stderr)
        self.assertIn("primary workgroup cannot be deleted", proc.stderr)

    def test_managed_results_through_the_cli(self):
        # This CLI's model may predate managed results: the workgroup is set
        # up with boto3, the queries run through the CLI.
        name = unique("cli-managed")
        self.athena.create_work_group(Name=name, Configuration={
            "ManagedQueryResultsConfiguration": {"Enabled": True}})
        out = self.aws("start-query-execution", "--work-group", name, "--query-string",
                       "SELECT 'x' AS letter")
        query_id = out["QueryExecutionId"]
        wait_for_query(self.athena, query_id)
        qe = self.aws("get-query-execution", "--query-execution-id", query_id)["QueryExecution"]
        self.assertEqual(qe["Status"]["State"], "SUCCEEDED")
        self.assertNotIn("OutputLocation", qe.get("ResultConfiguration", {}))
        results = self.aws("get-query-results", "--query-execution-id", query_id)
        self.assertEqual([[c.get("VarCharValue") for c in r["Data"]]
                          for r in results["ResultSet"]["Rows"]], [["letter"], ["x"]])
        self.assertFalse([f for f in self.s3_files() if query_id in f])
        proc = self.aws("start-query-execution", "--work-group", name, "--query-string",
                        "SELECT 1", "--result-configuration", f"OutputLocation={RESULTS_URI}",
                        expect_ok=False)
        self.assertIn(MANAGED_CONFLICT, proc.stderr)
        self.aws("delete-work-group", "--work-group", name, "--recursive-delete-option")

    def test_our_cli_on_a_managed_workgroup(self):
        harness.require_athena(self)
        name = unique("ours-managed")
        self.athena.create_work_group(Name=name, Configuration={
            "ManagedQueryResultsConfiguration": {"Enabled": True}})
        env = {"AWS_ACCESS_KEY_ID": self.srv.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
               "NO_PROXY": "127.0.0.1,localhost"}
        base = ["--endpoint-url", self.srv.url, "--region", "us-east-1", "--workgroup", name,
                "--output", "csv"]
        rc, out, err = harness.run_athena(
            base + ["query", "SELECT 'x' AS letter"], env=env)
        self.assertEqual((rc, out), (0, "letter\nx\n"), err)
        # Insisting on the S3 path fails, and the hint says why instead of
        # asking for an output location the workgroup would refuse.
        rc, out, err = harness.run_athena(
            base + ["--results-via", "s3", "query", "SELECT 1"], env=env)
        self.assertNotEqual(rc, 0)
        self.assertIn("manages query results", err)
        self.assertIn("keeps its results itself", err)
        self.assertNotIn("set athena_output_location", err)
        self.aws("delete-work-group", "--work-group", name, "--recursive-delete-option")


if __name__ == "__main__":
    unittest.main()
