# End-to-end tests of athena-local with unmodified boto3: the query
# lifecycle on the sample data, Athena's result types and value rendering,
# paging, idempotency, cancellation, errors exactly as botocore parses them,
# statistics, workgroups and history, execution parameters, the result files
# written beside the data, and the catalog APIs after DDL.
#
# The sample data's facts (counts, sums) were computed with DuckDB reading
# the files directly; see local_fixtures.py.

import csv
import io
import os
import sys
import time
import unittest
import uuid

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (  # noqa: E402
    DemoServerTest, FLIGHTS_DELAY_SUM, FLIGHTS_PARQUET, FLIGHTS_ROW_COUNT, JOINED_AIRPORTS,
    RESULTS_URI, columns_of, digits_query, digits_rows, error_of, object_path, query_rows,
    raw_athena_call, rows_of, run_query, select_rows, start_long_query,
    start_query, stop_quietly, wait_for_query)

VARCHAR = ("varchar", 2147483647, 0)
INTEGER = ("integer", 10, 0)
BIGINT = ("bigint", 19, 0)
DOUBLE = ("double", 17, 0)
BOOLEAN = ("boolean", 0, 0)
NO_OUTPUT_MESSAGE = (
    "No output location provided. An output location is required either through the "
    "Workgroup result configuration setting or as an API input.")
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
STATISTICS = ("EngineExecutionTimeInMillis", "DataScannedInBytes", "TotalExecutionTimeInMillis",
              "QueryQueueTimeInMillis", "QueryPlanningTimeInMillis",
              "ServiceProcessingTimeInMillis")


def typed(name, spec):
    return (name,) + spec


class SharedServer(DemoServerTest):
    """One athena-local with the demo tables for the whole class."""

    def assert_client_error(self, call, code, status=400, message=None, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        got_code, got_message, got_status = error_of(cm.exception)
        self.assertEqual((got_code, got_status), (code, status), got_message)
        if message is not None:
            self.assertEqual(got_message, message)
        self.assertTrue(got_message, "the error has no message")
        return got_message


class LifecycleAndTypesTest(SharedServer):

    def test_lifecycle_on_flights_joined_with_airports(self):
        sql = ("SELECT f.origin, a.name, count(*) AS flights, max(f.distance) AS longest"
               " FROM flights f JOIN airports a ON f.origin = a.iata"
               " WHERE f.origin IN ('BTR', 'ORD', 'SFO') GROUP BY f.origin, a.name"
               " ORDER BY f.origin")
        started = self.athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": "demo"},
            ResultConfiguration={"OutputLocation": RESULTS_URI})
        query_id = started["QueryExecutionId"]
        self.assertRegex(query_id, UUID)
        seen = set()
        qe = wait_for_query(self.athena, query_id, seen=seen)
        self.assertEqual(qe["Status"]["State"], "SUCCEEDED", qe["Status"])
        self.assertLessEqual(seen, {"QUEUED", "RUNNING", "SUCCEEDED"})
        self.assertEqual(qe["QueryExecutionId"], query_id)
        self.assertEqual(qe["Query"], sql)
        self.assertEqual(qe["StatementType"], "DML")
        self.assertEqual(qe["WorkGroup"], "primary")
        self.assertEqual(qe["QueryExecutionContext"],
                         {"Database": "demo", "Catalog": "AwsDataCatalog"})
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{RESULTS_URI}{query_id}.csv")
        self.assertLessEqual(qe["Status"]["SubmissionDateTime"],
                             qe["Status"]["CompletionDateTime"])

        page = self.athena.get_query_results(QueryExecutionId=query_id)
        self.assertNotIn("NextToken", page)
        self.assertEqual(rows_of(page), [["origin", "name", "flights", "longest"]] + [
            [origin, name, str(count), str(longest)]
            for origin, name, _city, count, _delay, longest in JOINED_AIRPORTS])
        self.assertEqual(columns_of(page), [typed("origin", VARCHAR), typed("name", VARCHAR),
                                            typed("flights", BIGINT), typed("longest", BIGINT)])

        batch = self.athena.batch_get_query_execution(QueryExecutionIds=[query_id])
        self.assertEqual([q["QueryExecutionId"] for q in batch["QueryExecutions"]], [query_id])
        self.assertEqual(batch["QueryExecutions"][0]["Status"]["State"], "SUCCEEDED")
        self.assertEqual(batch["UnprocessedQueryExecutionIds"], [])

    def test_scalar_types_and_values(self):
        page = self.athena.get_query_results(QueryExecutionId=run_query(self.athena, (
            "SELECT CAST(1 AS integer) AS i, CAST(12345678901 AS bigint) AS b,"
            " CAST(1.5 AS double) AS d, true AS t, DATE '2024-01-02' AS dt,"
            " TIMESTAMP '2024-01-02 03:04:05.123' AS ts, TIMESTAMP '2024-01-02 03:04:05' AS ts0,"
            " CAST(1.5 AS decimal(10,2)) AS dec, CAST(-12.345 AS decimal(5,3)) AS neg,"
            " 'it''s' AS v, '' AS empty, CAST(NULL AS varchar) AS nv,"
            " CAST(NULL AS integer) AS ni, CAST(1 AS smallint) AS si, CAST(1 AS tinyint) AS ti"))
            ["QueryExecutionId"])
        self.assertEqual(rows_of(page), [
            ["i", "b", "d", "t", "dt", "ts", "ts0", "dec", "neg", "v", "empty", "nv", "ni",
             "si", "ti"],
            ["1", "12345678901", "1.5", "true", "2024-01-02", "2024-01-02 03:04:05.123",
             "2024-01-02 03:04:05.000", "1.50", "-12.345", "it's", "", None, None, "1", "1"]])
        # NULL is a Data entry without VarCharValue; '' has one.
        data = page["ResultSet"]["Rows"][1]["Data"]
        self.assertEqual(data[11], {})
        self.assertEqual(data[12], {})
        self.assertEqual(data[10], {"VarCharValue": ""})
        self.assertEqual(columns_of(page), [
            typed("i", INTEGER), typed("b", BIGINT), typed("d", DOUBLE), typed("t", BOOLEAN),
            ("dt", "date", 0, 0), ("ts", "timestamp", 3, 0), ("ts0", "timestamp", 3, 0),
            ("dec", "decimal", 10, 2), ("neg", "decimal", 5, 3), typed("v", VARCHAR),
            typed("empty", VARCHAR), typed("nv", VARCHAR), typed("ni", INTEGER),
            ("si", "smallint", 5, 0), ("ti", "tinyint", 3, 0)])
        info = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
        self.assertEqual({c["Nullable"] for c in info}, {"UNKNOWN"})
        self.assertTrue(info[9]["CaseSensitive"])    # varchar
        self.assertFalse(info[0]["CaseSensitive"])   # integer
        self.assertEqual({(c["CatalogName"], c["Label"] == c["Name"]) for c in info},
                         {("hive", True)})

    def test_nested_types_and_values(self):
        # Trino syntax throughout; the struct literal {'x': 1, 'y': 2} is
        # DuckDB's spelling of an anonymous row and is accepted too.
        page = self.athena.get_query_results(QueryExecutionId=run_query(self.athena, (
            "SELECT ARRAY[1, 2] AS arr, MAP(ARRAY['a'], ARRAY[1]) AS m,"
            " CAST(ROW(1, 2) AS ROW(x integer, y integer)) AS r,"
            " ARRAY[ARRAY[1, 2], ARRAY[3]] AS nested, ARRAY['a', 'b'] AS strs,"
            " MAP(ARRAY['a', 'b'], ARRAY[1, 2]) AS m2,"
            " ARRAY[CAST(ROW(1, 'x') AS ROW(x integer, y varchar))] AS rows_in_array,"
            " {'x': 1, 'y': 2} AS struct_literal"))["QueryExecutionId"])
        self.assertEqual(rows_of(page)[1], [
            "[1, 2]", "{a=1}", "{x=1, y=2}", "[[1, 2], [3]]", "[a, b]", "{a=1, b=2}",
            "[{x=1, y=x}]", "{x=1, y=2}"])
        self.assertEqual(columns_of(page), [
            ("arr", "array", 0, 0), ("m", "map", 0, 0), ("r", "row", 0, 0),
            ("nested", "array", 0, 0), ("strs", "array", 0, 0), ("m2", "map", 0, 0),
            ("rows_in_array", "array", 0, 0), ("struct_literal", "row", 0, 0)])

    def test_aggregate_types_are_athenas(self):
        # Athena types sum(bigint) as bigint (DuckDB's own sum is a HUGEINT,
        # which would come out as decimal(38,0)).
        page = self.athena.get_query_results(QueryExecutionId=run_query(self.athena, (
            "SELECT count(*) AS n, sum(delay) AS total, avg(delay) AS mean,"
            " max(date) AS last FROM demo.flights"))["QueryExecutionId"])
        self.assertEqual(rows_of(page)[1][:2], [str(FLIGHTS_ROW_COUNT), str(FLIGHTS_DELAY_SUM)])
        self.assertEqual(rows_of(page)[1][3], "2001-07-01 00:00:00.000")
        self.assertEqual(columns_of(page), [typed("n", BIGINT), typed("total", BIGINT),
                                            typed("mean", DOUBLE), ("last", "timestamp", 3, 0)])

    def test_unaliased_expressions_are_named_like_athena(self):
        # Athena names every select item that is neither aliased nor a plain
        # column _col<position>.
        rows = select_rows(self.athena,
                           "SELECT 1, 'a', 1 + 1, count(*), origin FROM demo.flights"
                           " WHERE origin = 'BTR' GROUP BY origin")
        self.assertEqual(rows, [["_col0", "_col1", "_col2", "_col3", "origin"],
                                ["1", "a", "2", "2824", "BTR"]])
        # Also without a FROM clause (DuckDB would say "(1 + 1)", "'a'", ...).
        rows = select_rows(self.athena, "SELECT 1 + 1, 'a', abs(-1), 2.5e0")
        self.assertEqual(rows, [["_col0", "_col1", "_col2", "_col3"], ["2", "a", "1", "2.5"]])


class PagingTest(SharedServer):
    FIRST, LAST = 1, 3100

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.query_id = run_query(cls.athena, digits_query(cls.FIRST, cls.LAST))["QueryExecutionId"]
        cls.expected = digits_rows(cls.FIRST, cls.LAST)

    def assert_page_types(self, page):
        self.assertEqual(columns_of(page), [typed("n", INTEGER), typed("s", VARCHAR),
                                            typed("even", BOOLEAN)])

    def test_paginator_pages_and_rows(self):
        paginator = self.athena.get_paginator("get_query_results")
        pages = list(paginator.paginate(QueryExecutionId=self.query_id,
                                        PaginationConfig={"PageSize": 1000}))
        self.assertEqual([len(p["ResultSet"]["Rows"]) for p in pages], [1000, 1000, 1000, 101])
        rows = [row for p in pages for row in rows_of(p)]
        self.assertEqual(rows, self.expected)
        # The header row only starts page 1.
        self.assertEqual(rows_of(pages[0])[0], ["n", "s", "even"])
        for page in pages[1:]:
            self.assertNotIn(["n", "s", "even"], rows_of(page))
        for page in pages:
            self.assert_page_types(page)

    def test_paginator_default_page_size(self):
        self.assertEqual(query_rows(self.athena, self.query_id), self.expected)

    def test_manual_next_token_and_max_results(self):
        rows, sizes, token = [], [], None
        for _ in range(20):
            kwargs = {"NextToken": token} if token else {}
            page = self.athena.get_query_results(QueryExecutionId=self.query_id,
                                                 MaxResults=500, **kwargs)
            self.assert_page_types(page)
            sizes.append(len(page["ResultSet"]["Rows"]))
            rows.extend(rows_of(page))
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(sizes, [500] * 6 + [101])
        self.assertEqual(rows, self.expected)
        # Page 2 starts right after the 499 data rows of page 1.
        first = self.athena.get_query_results(QueryExecutionId=self.query_id, MaxResults=500)
        second = self.athena.get_query_results(QueryExecutionId=self.query_id, MaxResults=3,
                                               NextToken=first["NextToken"])
        self.assertEqual(rows_of(second), [["500", "r500", "true"], ["501", "r501", "false"],
                                           ["502", "r502", "true"]])

    def test_bad_page_requests(self):
        self.assert_client_error(self.athena.get_query_results, "InvalidRequestException",
                                 QueryExecutionId=self.query_id, MaxResults=1001)
        self.assert_client_error(self.athena.get_query_results, "InvalidRequestException",
                                 QueryExecutionId=self.query_id, NextToken="not-a-token")


class RequestsAndErrorsTest(SharedServer):

    def test_client_request_token_is_idempotent(self):
        token = "itest-token-" + uuid.uuid4().hex
        first = start_query(self.athena, "SELECT 42 AS x", ClientRequestToken=token)
        again = start_query(self.athena, "SELECT 42 AS x", ClientRequestToken=token)
        self.assertEqual(again, first)
        other = start_query(self.athena, "SELECT 42 AS x",
                            ClientRequestToken="itest-token-" + uuid.uuid4().hex)
        self.assertNotEqual(other, first)
        message = self.assert_client_error(
            self.athena.start_query_execution, "InvalidRequestException",
            QueryString="SELECT 43 AS x", ClientRequestToken=token,
            ResultConfiguration={"OutputLocation": RESULTS_URI})
        self.assertIn(token, message)
        self.assertEqual(select_rows(self.athena, "SELECT 1 AS one"), [["one"], ["1"]])
        self.assertEqual(query_rows(self.athena, wait_for_query(self.athena, first)
                                    ["QueryExecutionId"]), [["x"], ["42"]])

    def test_missing_and_empty_query_string(self):
        # botocore refuses these client-side: send them raw, signed.
        status, parsed = raw_athena_call(self.srv, "StartQueryExecution", {
            "ResultConfiguration": {"OutputLocation": RESULTS_URI}})
        self.assertEqual(status, 400)
        self.assertEqual(parsed["Error"]["Code"], "InvalidRequestException")
        self.assertIn("queryString", parsed["Error"]["Message"])
        status, parsed = raw_athena_call(self.srv, "StartQueryExecution", {
            "QueryString": "", "ResultConfiguration": {"OutputLocation": RESULTS_URI}})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "InvalidRequestException"))
        self.assertIn("queryString", parsed["Error"]["Message"])

    def test_query_string_length_limit(self):
        # The model's limit is 262144 characters: that many is accepted, one
        # more is refused before anything runs.
        longest = "SELECT '" + "x" * (262144 - 9) + "'"
        self.assertEqual(len(longest), 262144)
        qe = run_query(self.athena, longest)
        self.assertEqual(qe["Status"]["State"], "SUCCEEDED")
        before = self.athena.list_query_executions(MaxResults=50)["QueryExecutionIds"]
        message = self.assert_client_error(
            self.athena.start_query_execution, "InvalidRequestException",
            QueryString=longest + " ", ResultConfiguration={"OutputLocation": RESULTS_URI})
        self.assertIn("262144", message)
        after = self.athena.list_query_executions(MaxResults=50)["QueryExecutionIds"]
        self.assertEqual(after, before)

    def test_unknown_operation(self):
        status, parsed = raw_athena_call(self.srv, "NoSuchOperation", {})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "UnknownOperationException"))
        self.assertTrue(parsed["Error"]["Message"])

    def test_malformed_json(self):
        for body in (b'{"QueryString": ', b"[1, 2]", b"\xff\xfe"):
            with self.subTest(body=body):
                status, parsed = raw_athena_call(self.srv, "StartQueryExecution", body)
                self.assertEqual((status, parsed["Error"]["Code"]),
                                 (400, "SerializationException"))
                self.assertTrue(parsed["Error"]["Message"])

    def test_unknown_query_id(self):
        unknown = str(uuid.uuid4())
        for call in (self.athena.get_query_execution, self.athena.get_query_results,
                     self.athena.stop_query_execution):
            with self.subTest(call=call.__name__):
                message = self.assert_client_error(call, "InvalidRequestException",
                                                   QueryExecutionId=unknown)
                self.assertIn(unknown, message)
        batch = self.athena.batch_get_query_execution(QueryExecutionIds=[unknown])
        self.assertEqual(batch["QueryExecutions"], [])
        self.assertEqual([u["QueryExecutionId"] for u in batch["UnprocessedQueryExecutionIds"]],
                         [unknown])

    def test_results_of_an_unfinished_query(self):
        query_id = start_long_query(self.athena)
        self.addCleanup(stop_quietly, self.athena, query_id)
        message = self.assert_client_error(self.athena.get_query_results,
                                           "InvalidRequestException", QueryExecutionId=query_id)
        self.assertIn("Current state: RUNNING", message)

    def test_wrong_secret_is_rejected(self):
        client = self.srv.client("athena", secret_access_key="wrong/secret/for+athena-local0000")
        with self.assertRaises(ClientError) as cm:
            client.start_query_execution(QueryString="SELECT 1",
                                         ResultConfiguration={"OutputLocation": RESULTS_URI})
        self.assertEqual(error_of(cm.exception)[0::2], ("InvalidSignatureException", 403))

    def test_failed_query_reports_why(self):
        qe = run_query(self.athena, "SELEC 1", expect="FAILED")
        status = qe["Status"]
        self.assertIn("SELEC", status["StateChangeReason"])
        self.assertEqual(status["AthenaError"]["ErrorCategory"], 2)
        self.assertFalse(status["AthenaError"]["Retryable"])
        self.assertIn("SELEC", status["AthenaError"]["ErrorMessage"])
        self.assertIn("CompletionDateTime", status)
        message = self.assert_client_error(self.athena.get_query_results,
                                           "InvalidRequestException",
                                           QueryExecutionId=qe["QueryExecutionId"])
        self.assertIn("FAILED", message)

        qe = run_query(self.athena, "SELECT * FROM demo.no_such_table", expect="FAILED")
        self.assertIn("no_such_table", qe["Status"]["StateChangeReason"])
        self.assertEqual(qe["Status"]["AthenaError"]["ErrorCategory"], 2)

    def test_no_output_location_anywhere(self):
        message = self.assert_client_error(self.athena.start_query_execution,
                                           "InvalidRequestException",
                                           QueryString="SELECT 1")
        self.assertEqual(message, NO_OUTPUT_MESSAGE)

    def test_execution_parameters_are_values(self):
        hostile = "'x'' OR 1=1 --'"
        qe = run_query(self.athena, "SELECT ? AS v, length(?) AS n",
                       ExecutionParameters=[hostile, hostile])
        self.assertEqual(qe["ExecutionParameters"], [hostile, hostile])
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]),
                         [["v", "n"], ["x' OR 1=1 --", "12"]])
        # Bound into a predicate it matches nothing; pasted as text it would
        # match every airport.
        rows = select_rows(self.athena, "SELECT count(*) AS n FROM demo.airports WHERE iata = ?",
                           ExecutionParameters=[hostile])
        self.assertEqual(rows, [["n"], ["0"]])
        rows = select_rows(self.athena, "SELECT name FROM demo.airports WHERE iata = ?",
                           ExecutionParameters=["'ORD'"])
        self.assertEqual(rows, [["name"], ["Chicago O'Hare International"]])
        rows = select_rows(self.athena, "SELECT ? + 1 AS n, ? AS d",
                           ExecutionParameters=["41", "DATE '2024-02-29'"])
        self.assertEqual(rows, [["n", "d"], ["42", "2024-02-29"]])

    def test_single_parameter_keeps_its_alias(self):
        # One result column fed by a parameter keeps its alias (it once came
        # out as "unknown": DuckDB cannot name an unbound parameter's column).
        rows = select_rows(self.athena, "SELECT ? AS v", ExecutionParameters=["'abc'"])
        self.assertEqual(rows, [["v"], ["abc"]])

    def test_stop_a_finished_query_changes_nothing(self):
        qe = run_query(self.athena, "SELECT 1 AS one")
        self.athena.stop_query_execution(QueryExecutionId=qe["QueryExecutionId"])
        again = wait_for_query(self.athena, qe["QueryExecutionId"])
        self.assertEqual(again["Status"]["State"], "SUCCEEDED")
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]), [["one"], ["1"]])


class StatisticsAndFilesTest(SharedServer):

    def test_data_scanned(self):
        qe = run_query(self.athena, (
            "SELECT count(*), max(date), sum(delay), sum(distance), max(origin),"
            " max(destination) FROM demo.flights"))
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], os.path.getsize(FLIGHTS_PARQUET))
        qe = run_query(self.athena, "SELECT 1")
        self.assertEqual(qe["Statistics"]["DataScannedInBytes"], 0)

    def test_statistics_present(self):
        qe = run_query(self.athena, "SELECT count(*) FROM demo.airports")
        stats = qe["Statistics"]
        for key in STATISTICS:
            with self.subTest(key=key):
                self.assertIsInstance(stats.get(key), int, stats)
                self.assertGreaterEqual(stats[key], 0)
        self.assertEqual(stats["ResultReuseInformation"], {"ReusedPreviousResult": False})
        # Total covers the engine's time (allowing for millisecond rounding).
        self.assertGreaterEqual(stats["TotalExecutionTimeInMillis"] + 2,
                                stats["EngineExecutionTimeInMillis"])
        elapsed = qe["Status"]["CompletionDateTime"] - qe["Status"]["SubmissionDateTime"]
        self.assertLessEqual(abs(elapsed.total_seconds() * 1000
                                 - stats["TotalExecutionTimeInMillis"]), 5)

    def test_results_csv_and_metadata_files(self):
        qe = run_query(self.athena, (
            "SELECT 1 AS a, 'x,\"y\"' AS b, CAST(NULL AS varchar) AS c, ARRAY[1, 2] AS d,"
            " '' AS e, 'line1\nline2' AS f"))
        location = qe["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"{RESULTS_URI}{qe['QueryExecutionId']}.csv")
        path = object_path(self.srv.data_dir, location)
        with open(path, "rb") as f:
            content = f.read()
        # Athena's dialect: every value quoted, "" doubled, NULL empty and unquoted.
        self.assertEqual(content, b'"a","b","c","d","e","f"\n'
                                  b'"1","x,""y""",,"[1, 2]","","line1\nline2"\n')
        rows = list(csv.reader(io.StringIO(content.decode())))
        self.assertEqual(rows, [["a", "b", "c", "d", "e", "f"],
                                ["1", 'x,"y"', "", "[1, 2]", "", "line1\nline2"]])
        self.assertGreater(os.path.getsize(path + ".metadata"), 0)

    def test_ddl_result_is_a_txt_file(self):
        qe = run_query(self.athena, "SHOW TABLES IN demo")
        self.assertEqual(qe["StatementType"], "UTILITY")
        location = qe["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"{RESULTS_URI}{qe['QueryExecutionId']}.txt")
        with open(object_path(self.srv.data_dir, location), "rb") as f:
            self.assertEqual(f.read(), b"airports\nflights\n")
        self.assertEqual(query_rows(self.athena, qe["QueryExecutionId"]),
                         [["airports"], ["flights"]])

        qe = run_query(self.athena, "CREATE DATABASE IF NOT EXISTS txt_check")
        self.assertEqual(qe["StatementType"], "DDL")
        location = qe["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"{RESULTS_URI}{qe['QueryExecutionId']}.txt")
        self.assertTrue(os.path.isfile(object_path(self.srv.data_dir, location)))
        self.assertFalse(os.path.exists(object_path(self.srv.data_dir, location[:-4] + ".csv")))


class WorkgroupsAndHistoryTest(SharedServer):

    def test_workgroup_output_location_and_isolated_history(self):
        name = "itest-" + uuid.uuid4().hex[:12]
        output = f"s3://wg-results/{name}/"
        self.athena.create_work_group(
            Name=name, Description="integration test",
            Configuration={"ResultConfiguration": {"OutputLocation": output}})
        group = self.athena.get_work_group(WorkGroup=name)["WorkGroup"]
        self.assertEqual((group["Name"], group["State"]), (name, "ENABLED"))
        self.assertEqual(group["Configuration"]["ResultConfiguration"]["OutputLocation"], output)
        names = [w["Name"] for w in self.athena.list_work_groups()["WorkGroups"]]
        self.assertIn(name, names)
        self.assertIn("primary", names)

        primary_id = run_query(self.athena, "SELECT 'primary' AS wg")["QueryExecutionId"]
        ids = []
        for i in range(3):
            qe = run_query(self.athena, f"SELECT {i} AS i", output=None, WorkGroup=name)
            self.assertEqual(qe["WorkGroup"], name)
            location = qe["ResultConfiguration"]["OutputLocation"]
            self.assertEqual(location, f"{output}{qe['QueryExecutionId']}.csv")
            with open(object_path(self.srv.data_dir, location), "rb") as f:
                self.assertEqual(f.read(), f'"i"\n"{i}"\n'.encode())
            ids.append(qe["QueryExecutionId"])

        listed = self.athena.list_query_executions(WorkGroup=name)
        self.assertEqual(sorted(listed["QueryExecutionIds"]), sorted(ids))
        self.assertNotIn("NextToken", listed)
        primary = []
        for page in self.athena.get_paginator("list_query_executions").paginate(
                WorkGroup="primary"):
            primary.extend(page["QueryExecutionIds"])
        self.assertIn(primary_id, primary)
        self.assertFalse(set(ids) & set(primary))

        pages = list(self.athena.get_paginator("list_query_executions").paginate(
            WorkGroup=name, PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["QueryExecutionIds"]) for p in pages], [2, 1])
        self.assertEqual(sorted(i for p in pages for i in p["QueryExecutionIds"]), sorted(ids))
        first = self.athena.list_query_executions(WorkGroup=name, MaxResults=2)
        second = self.athena.list_query_executions(WorkGroup=name, MaxResults=2,
                                                   NextToken=first["NextToken"])
        self.assertEqual(sorted(first["QueryExecutionIds"] + second["QueryExecutionIds"]),
                         sorted(ids))
        self.assertNotIn("NextToken", second)

        # An explicit OutputLocation still wins over the workgroup's.
        qe = run_query(self.athena, "SELECT 1", WorkGroup=name)
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{RESULTS_URI}{qe['QueryExecutionId']}.csv")

    def test_enforced_workgroup_configuration_wins(self):
        name = "itest-enforced-" + uuid.uuid4().hex[:8]
        output = f"s3://wg-results/{name}/"
        self.athena.create_work_group(Name=name, Configuration={
            "ResultConfiguration": {"OutputLocation": output},
            "EnforceWorkGroupConfiguration": True})
        qe = run_query(self.athena, "SELECT 1 AS one", WorkGroup=name)  # asks for RESULTS_URI
        self.assertEqual(qe["ResultConfiguration"]["OutputLocation"],
                         f"{output}{qe['QueryExecutionId']}.csv")
        self.assertTrue(os.path.isfile(object_path(
            self.srv.data_dir, qe["ResultConfiguration"]["OutputLocation"])))

    def test_unknown_workgroup(self):
        self.assert_client_error(self.athena.get_work_group, "InvalidRequestException",
                                 WorkGroup="no-such-workgroup")
        self.assert_client_error(self.athena.start_query_execution, "InvalidRequestException",
                                 QueryString="SELECT 1", WorkGroup="no-such-workgroup",
                                 ResultConfiguration={"OutputLocation": RESULTS_URI})

    def test_primary_workgroup(self):
        group = self.athena.get_work_group(WorkGroup="primary")["WorkGroup"]
        self.assertEqual((group["Name"], group["State"]), ("primary", "ENABLED"))
        self.assertNotIn("OutputLocation", group["Configuration"].get("ResultConfiguration", {}))
        self.assertEqual(group["Configuration"]["EngineVersion"]["EffectiveEngineVersion"],
                         "Athena engine version 3")


class CatalogApisTest(SharedServer):

    def test_data_catalogs(self):
        summaries = self.athena.list_data_catalogs()["DataCatalogsSummary"]
        self.assertIn(("AwsDataCatalog", "GLUE"),
                      [(s["CatalogName"], s["Type"]) for s in summaries])
        catalog = self.athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]
        self.assertEqual((catalog["Name"], catalog["Type"]), ("AwsDataCatalog", "GLUE"))

    def test_databases(self):
        names = [d["Name"] for d in self.athena.list_databases(
            CatalogName="AwsDataCatalog")["DatabaseList"]]
        self.assertIn("default", names)
        self.assertIn("demo", names)
        self.assertEqual(self.athena.get_database(CatalogName="AwsDataCatalog",
                                                  DatabaseName="demo")["Database"]["Name"], "demo")
        self.assert_client_error(self.athena.get_database, "MetadataException",
                                 CatalogName="AwsDataCatalog", DatabaseName="no_such_db")

    def test_tables_after_ddl(self):
        run_query(self.athena, "CREATE DATABASE IF NOT EXISTS catalog_check")
        run_query(self.athena, (
            "CREATE EXTERNAL TABLE catalog_check.routes (origin string, destination string,"
            " miles int) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'"
            " LOCATION 's3://demo/routes/'"))
        tables = self.athena.list_table_metadata(CatalogName="AwsDataCatalog",
                                                 DatabaseName="demo")["TableMetadataList"]
        self.assertEqual(sorted(t["Name"] for t in tables), ["airports", "flights"])
        table = self.athena.get_table_metadata(CatalogName="AwsDataCatalog",
                                               DatabaseName="demo",
                                               TableName="flights")["TableMetadata"]
        self.assertEqual(table["Name"], "flights")
        self.assertEqual(table["TableType"], "EXTERNAL_TABLE")
        self.assertEqual([(c["Name"], c["Type"]) for c in table["Columns"]], [
            ("date", "timestamp"), ("delay", "bigint"), ("distance", "bigint"),
            ("origin", "string"), ("destination", "string")])
        self.assertEqual(table["Parameters"]["location"], "s3://demo/flights/")
        airports = self.athena.get_table_metadata(CatalogName="AwsDataCatalog",
                                                  DatabaseName="demo",
                                                  TableName="airports")["TableMetadata"]
        self.assertEqual(airports["Parameters"]["skip.header.line.count"], "1")
        self.assertEqual(airports["Parameters"]["serde.serialization.lib"],
                         "org.apache.hadoop.hive.serde2.OpenCSVSerde")
        routes = self.athena.list_table_metadata(CatalogName="AwsDataCatalog",
                                                 DatabaseName="catalog_check")["TableMetadataList"]
        self.assertEqual([(t["Name"], [(c["Name"], c["Type"]) for c in t["Columns"]])
                          for t in routes],
                         [("routes", [("origin", "string"), ("destination", "string"),
                                      ("miles", "int")])])

        run_query(self.athena, "DROP TABLE catalog_check.routes")
        self.assertEqual(self.athena.list_table_metadata(
            CatalogName="AwsDataCatalog", DatabaseName="catalog_check")["TableMetadataList"], [])
        self.assert_client_error(self.athena.get_table_metadata, "MetadataException",
                                 CatalogName="AwsDataCatalog", DatabaseName="catalog_check",
                                 TableName="routes")


class StopTest(SharedServer):
    """One worker: a cancelled query must give it back."""

    server_args = ("--workers", "1")

    def test_stop_cancels_promptly_and_frees_the_worker(self):
        query_id = start_long_query(self.athena)
        self.addCleanup(stop_quietly, self.athena, query_id)
        # With the only worker busy, the next query waits its turn.
        queued = start_query(self.athena, "SELECT 2 AS two")
        self.assertEqual(self.athena.get_query_execution(QueryExecutionId=queued)
                         ["QueryExecution"]["Status"]["State"], "QUEUED")
        message = self.assert_client_error(self.athena.get_query_results,
                                           "InvalidRequestException", QueryExecutionId=queued)
        self.assertIn("Current state: QUEUED", message)
        time.sleep(0.5)  # let it really run for a while

        stopped_at = time.monotonic()
        self.athena.stop_query_execution(QueryExecutionId=query_id)
        qe = wait_for_query(self.athena, query_id, timeout=10)
        cancelled_after = time.monotonic() - stopped_at
        self.assertEqual(qe["Status"]["State"], "CANCELLED", qe["Status"])
        self.assertLessEqual(cancelled_after, 1.0)
        self.assertTrue(qe["Status"].get("StateChangeReason"))
        self.assertIn("CompletionDateTime", qe["Status"])

        # The worker is free again: the queued query and a new one finish.
        self.assertEqual(wait_for_query(self.athena, queued, timeout=15)["Status"]["State"],
                         "SUCCEEDED")
        started = time.monotonic()
        self.assertEqual(select_rows(self.athena, "SELECT 1 AS one", timeout=15),
                         [["one"], ["1"]])
        self.assertLess(time.monotonic() - started, 10)
        # Cancelled stays cancelled, with no results.
        self.assertEqual(wait_for_query(self.athena, query_id)["Status"]["State"], "CANCELLED")
        self.assert_client_error(self.athena.get_query_results, "InvalidRequestException",
                                 QueryExecutionId=query_id)

    def test_stop_a_queued_query(self):
        running = start_long_query(self.athena)
        self.addCleanup(stop_quietly, self.athena, running)
        queued = start_query(self.athena, "SELECT 3 AS three")
        self.athena.stop_query_execution(QueryExecutionId=queued)
        self.assertEqual(wait_for_query(self.athena, queued, timeout=5)["Status"]["State"],
                         "CANCELLED")
        self.athena.stop_query_execution(QueryExecutionId=running)
        self.assertEqual(wait_for_query(self.athena, running, timeout=5)["Status"]["State"],
                         "CANCELLED")
        self.assertEqual(select_rows(self.athena, "SELECT 4 AS four", timeout=15),
                         [["four"], ["4"]])


if __name__ == "__main__":
    unittest.main()
