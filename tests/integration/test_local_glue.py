# End-to-end tests of athena-local's Glue Data Catalog API with unmodified
# boto3 and the AWS CLI (v1 and v2): every database, table and partition
# operation, errors exactly as botocore parses them, paging of GetDatabases,
# GetTables and GetPartitions, partition Expressions, and the catalog shared
# with Athena: a table created through Glue is queried with SQL, a table
# created by DDL is read back through Glue, and dropping a table (either
# way) drops its partitions.

import json
import os
import subprocess
import sys
import unittest

from botocore.exceptions import ClientError
import botocore.session
from botocore.parsers import create_parser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import (  # noqa: E402
    DemoServerTest, FLIGHTS_DELAY_SUM, FLIGHTS_PARQUET, FLIGHTS_ROW_COUNT, demo_server, error_of,
    run_query, select_rows)
from test_local_awscli import V2_PATH, find_v1  # noqa: E402

ACCOUNT = "123456789012"
PARQUET_SD = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary":
                  "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                  "Parameters": {"serialization.format": "1"}},
}
FLIGHTS_COLUMNS = [{"Name": "date", "Type": "timestamp"}, {"Name": "delay", "Type": "bigint"},
                   {"Name": "distance", "Type": "bigint"}, {"Name": "origin", "Type": "string"},
                   {"Name": "destination", "Type": "string"}]
# year is a string key, month an int key: Expressions compare them differently.
PARTITION_KEYS = [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "int"}]

_glue_model = None


def raw_glue_call(srv, operation, body):
    """A signed AWSGlue.<operation> request sent as is (bypassing botocore's
    client-side validation), its answer parsed by botocore's JSON parser.
    Returns (HTTP status, parsed dict with Error.Code / Error.Message)."""
    global _glue_model
    if _glue_model is None:
        _glue_model = botocore.session.get_session().get_service_model("glue")
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = srv.sign("POST", "/", {"Content-Type": "application/x-amz-json-1.1",
                                     "X-Amz-Target": f"AWSGlue.{operation}"}, payload,
                       service="glue")
    status, resp_headers, data = srv.raw_request("POST", "/", headers, payload)
    parsed = create_parser("json").parse(
        {"status_code": status, "headers": resp_headers, "body": data},
        _glue_model.operation_model(operation).output_shape)
    return status, parsed


def table_input(name, location, columns=None, partition_keys=None, **extra):
    sd = dict(PARQUET_SD, Columns=columns or [{"Name": "a", "Type": "int"}], Location=location)
    table = {"Name": name, "StorageDescriptor": sd, "TableType": "EXTERNAL_TABLE",
             "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet"}}
    if partition_keys is not None:
        table["PartitionKeys"] = partition_keys
    table.update(extra)
    return table


def partition_input(year, month, location="s3://glue/orders/"):
    return {"Values": [year, month],
            "StorageDescriptor": {"Location": f"{location}year={year}/month={month}/"},
            "Parameters": {"source": "test"}}


class GlueTest(DemoServerTest):
    """One athena-local with the demo tables (made by DDL) for the class."""

    clients = ("glue",)

    def assert_error(self, call, code, message=None, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        got_code, got_message, status = error_of(cm.exception)
        self.assertEqual((got_code, status), (code, 400), got_message)
        # botocore raises the modeled exception class for Glue's own errors.
        if code in ("EntityNotFoundException", "AlreadyExistsException",
                    "InvalidInputException", "ConcurrentModificationException"):
            self.assertIsInstance(cm.exception, getattr(self.glue.exceptions, code))
        if message is not None:
            self.assertEqual(got_message, message)
        self.assertTrue(got_message)
        return got_message

    def make_database(self, name):
        self.glue.create_database(DatabaseInput={"Name": name})
        self.addCleanup(self.drop_database_quietly, name)

    def drop_database_quietly(self, name):
        try:
            self.glue.delete_database(Name=name)
        except ClientError:
            pass

    def make_orders(self, database):
        """database.orders, partitioned by year (string) and month (int)."""
        self.make_database(database)
        self.glue.create_table(DatabaseName=database, TableInput=table_input(
            "orders", "s3://glue/orders/", partition_keys=PARTITION_KEYS))

    def partition_values(self, database, table="orders", **kwargs):
        pages = self.glue.get_paginator("get_partitions").paginate(
            DatabaseName=database, TableName=table, **kwargs)
        return sorted(tuple(p["Values"]) for page in pages for p in page["Partitions"])


class DatabaseTest(GlueTest):

    def test_create_get_update_delete(self):
        self.glue.create_database(DatabaseInput={
            "Name": "Glue_DB1", "Description": "first", "LocationUri": "s3://glue/db1/",
            "Parameters": {"owner": "tests"}})
        self.addCleanup(self.drop_database_quietly, "glue_db1")
        db = self.glue.get_database(Name="GLUE_db1")["Database"]
        self.assertEqual(db["Name"], "glue_db1")   # names are lower-cased
        self.assertEqual(db["Description"], "first")
        self.assertEqual(db["LocationUri"], "s3://glue/db1/")
        self.assertEqual(db["Parameters"], {"owner": "tests"})
        self.assertEqual(db["CatalogId"], ACCOUNT)
        self.assertEqual(db["CreateTableDefaultPermissions"], [
            {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"},
             "Permissions": ["ALL"]}])
        created = db["CreateTime"]

        self.assert_error(self.glue.create_database, "AlreadyExistsException",
                          "Database already exists.", DatabaseInput={"Name": "glue_DB1"})

        self.glue.update_database(Name="glue_db1", DatabaseInput={
            "Name": "glue_db1", "Description": "second"})
        db = self.glue.get_database(Name="glue_db1")["Database"]
        self.assertEqual(db["Description"], "second")
        self.assertNotIn("LocationUri", db)   # the input replaces the definition
        self.assertEqual(db["CreateTime"], created)
        self.assert_error(self.glue.update_database, "InvalidInputException", Name="glue_db1",
                          DatabaseInput={"Name": "other"})
        self.assert_error(self.glue.update_database, "EntityNotFoundException",
                          "Database nope not found.", Name="nope",
                          DatabaseInput={"Name": "nope"})

        self.glue.delete_database(Name="Glue_DB1")
        self.assert_error(self.glue.get_database, "EntityNotFoundException",
                          "Database glue_db1 not found.", Name="glue_db1")
        self.assert_error(self.glue.delete_database, "EntityNotFoundException",
                          "Database glue_db1 not found.", Name="glue_db1")

    def test_get_databases_pages(self):
        names = [f"glue_page_{i}" for i in range(5)]
        for name in names:
            self.make_database(name)
        listed = [db["Name"] for page in self.glue.get_paginator("get_databases").paginate(
            PaginationConfig={"PageSize": 2}) for db in page["DatabaseList"]]
        self.assertEqual(listed, sorted(listed))
        self.assertEqual([n for n in listed if n.startswith("glue_page_")], names)
        self.assertIn("default", listed)
        self.assertIn("demo", listed)

        first = self.glue.get_databases(MaxResults=2)
        self.assertEqual(len(first["DatabaseList"]), 2)
        second = self.glue.get_databases(MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual(second["DatabaseList"][0]["Name"],
                         listed[2])
        everything = self.glue.get_databases()
        self.assertNotIn("NextToken", everything)
        self.assertEqual([db["Name"] for db in everything["DatabaseList"]], listed)
        only_names = self.glue.get_databases(AttributesToGet=["NAME"])["DatabaseList"]
        self.assertEqual(only_names[0], {"Name": listed[0]})
        self.assertEqual(self.glue.get_databases(ResourceShareType="FOREIGN")["DatabaseList"],
                         [])
        self.assert_error(self.glue.get_databases, "InvalidInputException",
                          NextToken="not-a-token")

    def test_delete_database_cascades(self):
        self.make_orders("glue_cascade")
        self.glue.create_partition(DatabaseName="glue_cascade", TableName="orders",
                                   PartitionInput=partition_input("2001", "1"))
        self.glue.delete_database(Name="glue_cascade")
        self.assert_error(self.glue.get_table, "EntityNotFoundException",
                          "Database glue_cascade not found.", DatabaseName="glue_cascade",
                          Name="orders")
        # Recreated, it is empty: its tables and their partitions are gone.
        self.make_orders("glue_cascade")
        self.assertEqual(self.partition_values("glue_cascade"), [])

    def test_catalog_id(self):
        self.assertEqual(self.glue.get_database(CatalogId=ACCOUNT, Name="demo")["Database"]
                         ["Name"], "demo")
        self.assert_error(self.glue.get_database, "EntityNotFoundException",
                          "Catalog 999999999999 not found.", CatalogId="999999999999",
                          Name="demo")
        self.assert_error(self.glue.get_tables, "EntityNotFoundException",
                          CatalogId="999999999999", DatabaseName="demo")


class TableTest(GlueTest):

    def test_create_and_get(self):
        self.make_database("glue_t1")
        self.glue.create_table(DatabaseName="GLUE_T1", TableInput=table_input(
            "Events", "s3://glue/events/", partition_keys=PARTITION_KEYS,
            Owner="me", Retention=3, ViewOriginalText=""))
        table = self.glue.get_table(DatabaseName="glue_t1", Name="EVENTS")["Table"]
        self.assertEqual(table["Name"], "events")
        self.assertEqual(table["DatabaseName"], "glue_t1")
        self.assertEqual(table["Owner"], "me")
        self.assertEqual(table["Retention"], 3)
        self.assertEqual(table["TableType"], "EXTERNAL_TABLE")
        self.assertEqual(table["PartitionKeys"], PARTITION_KEYS)
        self.assertEqual(table["StorageDescriptor"], dict(
            PARQUET_SD, Columns=[{"Name": "a", "Type": "int"}], Location="s3://glue/events/"))
        self.assertEqual(table["Parameters"], {"EXTERNAL": "TRUE", "classification": "parquet"})
        self.assertEqual(table["CreatedBy"], f"arn:aws:iam::{ACCOUNT}:root")
        self.assertEqual(table["CatalogId"], ACCOUNT)
        self.assertEqual(table["VersionId"], "0")
        self.assertIs(table["IsRegisteredWithLakeFormation"], False)
        self.assertEqual(table["CreateTime"], table["UpdateTime"])

        self.assert_error(self.glue.create_table, "AlreadyExistsException",
                          "Table already exists.", DatabaseName="glue_t1",
                          TableInput=table_input("EVENTS", "s3://glue/x/"))
        self.assert_error(self.glue.create_table, "EntityNotFoundException",
                          "Database nope not found.", DatabaseName="nope",
                          TableInput=table_input("t", "s3://glue/x/"))
        self.assert_error(self.glue.get_table, "EntityNotFoundException",
                          "Table nope not found.", DatabaseName="glue_t1", Name="nope")
        self.assert_error(self.glue.get_table, "EntityNotFoundException",
                          "Database nope not found.", DatabaseName="nope", Name="events")

    def test_get_tables_pattern_and_pages(self):
        self.make_database("glue_t2")
        names = ["sales_2019", "sales_2020", "orders", "orders_archive", "returns"]
        for name in names:
            self.glue.create_table(DatabaseName="glue_t2",
                                   TableInput=table_input(name, f"s3://glue/{name}/"))

        def listed(**kwargs):
            pages = self.glue.get_paginator("get_tables").paginate(DatabaseName="glue_t2",
                                                                   **kwargs)
            return [t["Name"] for page in pages for t in page["TableList"]]

        self.assertEqual(listed(), sorted(names))
        self.assertEqual(listed(PaginationConfig={"PageSize": 2}), sorted(names))
        self.assertEqual(listed(Expression="sales*"), ["sales_2019", "sales_2020"])
        self.assertEqual(listed(Expression="*2020"), ["sales_2020"])
        self.assertEqual(listed(Expression="orders"), ["orders"])
        self.assertEqual(listed(Expression="ORDERS.*|returns"),
                         ["orders", "orders_archive", "returns"])
        self.assertEqual(listed(Expression="sales_\\d+", PaginationConfig={"PageSize": 1}),
                         ["sales_2019", "sales_2020"])
        self.assertEqual(listed(Expression="nothing*"), [])
        self.assert_error(self.glue.get_tables, "InvalidInputException",
                          DatabaseName="glue_t2", Expression="(sales")

        page = self.glue.get_tables(DatabaseName="glue_t2", MaxResults=3)
        self.assertEqual([t["Name"] for t in page["TableList"]], sorted(names)[:3])
        rest = self.glue.get_tables(DatabaseName="glue_t2", NextToken=page["NextToken"])
        self.assertEqual([t["Name"] for t in rest["TableList"]], sorted(names)[3:])
        self.assertNotIn("NextToken", rest)
        brief = self.glue.get_tables(DatabaseName="glue_t2", Expression="returns",
                                     AttributesToGet=["NAME", "TABLE_TYPE"])["TableList"]
        self.assertEqual(brief, [{"Name": "returns", "TableType": "EXTERNAL_TABLE"}])
        self.assert_error(self.glue.get_tables, "EntityNotFoundException",
                          "Database nope not found.", DatabaseName="nope")

    def test_update_table(self):
        self.make_database("glue_t3")
        self.glue.create_table(DatabaseName="glue_t3",
                               TableInput=table_input("t", "s3://glue/t/"))
        before = self.glue.get_table(DatabaseName="glue_t3", Name="t")["Table"]
        self.glue.update_table(DatabaseName="glue_t3", TableInput=table_input(
            "T", "s3://glue/t-moved/", columns=[{"Name": "a", "Type": "int"},
                                                {"Name": "b", "Type": "string"}]))
        after = self.glue.get_table(DatabaseName="glue_t3", Name="t")["Table"]
        self.assertEqual(after["StorageDescriptor"]["Location"], "s3://glue/t-moved/")
        self.assertEqual([c["Name"] for c in after["StorageDescriptor"]["Columns"]], ["a", "b"])
        self.assertEqual(after["CreateTime"], before["CreateTime"])
        self.assertGreaterEqual(after["UpdateTime"], before["UpdateTime"])
        self.assertEqual(after["VersionId"], "1")
        self.assertEqual(after["CreatedBy"], before["CreatedBy"])

        self.glue.update_table(DatabaseName="glue_t3", VersionId="1",
                               TableInput=table_input("t", "s3://glue/t2/"))
        self.assert_error(self.glue.update_table, "ConcurrentModificationException",
                          "VersionId 1 is not the table's current version (2).",
                          DatabaseName="glue_t3", VersionId="1",
                          TableInput=table_input("t", "s3://glue/t3/"))
        self.assert_error(self.glue.update_table, "EntityNotFoundException",
                          "Table missing not found.", DatabaseName="glue_t3",
                          TableInput=table_input("missing", "s3://glue/t/"))

    def test_delete_and_batch_delete(self):
        self.make_database("glue_t4")
        for name in ("a", "b", "c"):
            self.glue.create_table(DatabaseName="glue_t4",
                                   TableInput=table_input(name, f"s3://glue/{name}/"))
        self.glue.delete_table(DatabaseName="glue_t4", Name="A")
        self.assert_error(self.glue.delete_table, "EntityNotFoundException",
                          "Table a not found.", DatabaseName="glue_t4", Name="a")
        out = self.glue.batch_delete_table(DatabaseName="glue_t4",
                                           TablesToDelete=["b", "nope", "c"])
        self.assertEqual(out["Errors"], [{"TableName": "nope", "ErrorDetail": {
            "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Table nope not found."}}])
        self.assertEqual(self.glue.get_tables(DatabaseName="glue_t4")["TableList"], [])
        self.assert_error(self.glue.batch_delete_table, "EntityNotFoundException",
                          DatabaseName="nope", TablesToDelete=["a"])

    def test_request_validation(self):
        status, parsed = raw_glue_call(self.srv, "GetTable", {"DatabaseName": "demo"})
        self.assertEqual(status, 400)
        self.assertEqual(parsed["Error"]["Code"], "InvalidInputException")
        self.assertEqual(parsed["Error"]["Message"],
                         "1 validation error detected: Value null at 'name' failed to satisfy "
                         "constraint: Member must not be null")
        status, parsed = raw_glue_call(self.srv, "GetTable",
                                       {"DatabaseName": "demo", "Name": 7})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "SerializationException"))
        status, parsed = raw_glue_call(self.srv, "CreateTable", {
            "DatabaseName": "demo", "TableInput": {"Name": "x", "StorageDescriptor": {
                "Columns": [{"Name": "a", "Type": "int"}], "Location": ["not", "a string"]}}})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "SerializationException"))
        self.assertIn("Location", parsed["Error"]["Message"])
        status, parsed = raw_glue_call(self.srv, "CreateTable", {
            "DatabaseName": "demo", "TableInput": {"Name": "x" * 256}})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "InvalidInputException"))
        self.assertIn("Member must have length less than or equal to 255",
                      parsed["Error"]["Message"])
        status, parsed = raw_glue_call(self.srv, "CreateTable", {
            "DatabaseName": "demo", "TableInput": {"Name": "x", "Parameters": {"k": 1}}})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "SerializationException"))
        status, parsed = raw_glue_call(self.srv, "GetDatabase", b"{not json")
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "SerializationException"))
        status, parsed = raw_glue_call(self.srv, "GetDatabase", {"Name": "a\nb"})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "InvalidInputException"))
        # Nothing was created by the refused requests.
        self.assert_error(self.glue.get_table, "EntityNotFoundException",
                          DatabaseName="demo", Name="x")
        # Members the model does not know are ignored, as AWS does.
        status, parsed = raw_glue_call(self.srv, "CreateTable", {
            "DatabaseName": "demo", "Bogus": 1,
            "TableInput": {"Name": "unknown_members", "Bogus": {"a": 1}}})
        self.assertEqual(status, 200, parsed)
        self.addCleanup(self.glue.delete_table, DatabaseName="demo", Name="unknown_members")
        table = self.glue.get_table(DatabaseName="demo", Name="unknown_members")["Table"]
        self.assertNotIn("Bogus", table)

    def test_unknown_operation_and_signing_name(self):
        status, parsed = raw_glue_call(self.srv, "GetJobs", {})
        self.assertEqual((status, parsed["Error"]["Code"]), (400, "UnknownOperationException"))
        # A request signed for another service is refused before dispatch.
        status, _headers, body = self.srv.signed_request(target="AWSGlue.GetDatabases",
                                                         body={}, service="athena")
        self.assertEqual(status, 403, body)


class PartitionTest(GlueTest):

    def test_create_get_and_batch_create(self):
        self.make_orders("glue_p1")
        self.glue.create_partition(DatabaseName="glue_p1", TableName="ORDERS",
                                   PartitionInput=partition_input("2001", "1"))
        p = self.glue.get_partition(DatabaseName="glue_p1", TableName="orders",
                                    PartitionValues=["2001", "1"])["Partition"]
        self.assertEqual(p["Values"], ["2001", "1"])
        self.assertEqual(p["DatabaseName"], "glue_p1")
        self.assertEqual(p["TableName"], "orders")
        self.assertEqual(p["StorageDescriptor"],
                         {"Location": "s3://glue/orders/year=2001/month=1/"})
        self.assertEqual(p["Parameters"], {"source": "test"})
        self.assertEqual(p["CatalogId"], ACCOUNT)
        self.assertIn("CreationTime", p)

        self.assert_error(self.glue.create_partition, "AlreadyExistsException",
                          "Partition already exists.", DatabaseName="glue_p1",
                          TableName="orders", PartitionInput=partition_input("2001", "1"))
        self.assert_error(self.glue.create_partition, "InvalidInputException",
                          "The number of partition keys do not match the number of partition "
                          "values", DatabaseName="glue_p1", TableName="orders",
                          PartitionInput={"Values": ["2001"]})
        self.assert_error(self.glue.create_partition, "EntityNotFoundException",
                          "Table nope not found.", DatabaseName="glue_p1", TableName="nope",
                          PartitionInput=partition_input("2001", "1"))
        self.glue.create_table(DatabaseName="glue_p1",
                               TableInput=table_input("flat", "s3://glue/flat/"))
        self.assert_error(self.glue.create_partition, "InvalidInputException",
                          "Table flat has no partition keys.", DatabaseName="glue_p1",
                          TableName="flat", PartitionInput={"Values": []})
        self.assert_error(self.glue.get_partition, "EntityNotFoundException",
                          "Cannot find partition.", DatabaseName="glue_p1",
                          TableName="orders", PartitionValues=["2001", "2"])

        out = self.glue.batch_create_partition(
            DatabaseName="glue_p1", TableName="orders",
            PartitionInputList=[partition_input("2001", "2"), partition_input("2001", "1"),
                                {"Values": ["2001", "3", "x"]}, partition_input("2002", "1")])
        self.assertEqual(out["Errors"], [
            {"PartitionValues": ["2001", "1"], "ErrorDetail": {
                "ErrorCode": "AlreadyExistsException",
                "ErrorMessage": "Partition already exists."}},
            {"PartitionValues": ["2001", "3", "x"], "ErrorDetail": {
                "ErrorCode": "InvalidInputException",
                "ErrorMessage": "The number of partition keys do not match the number of "
                                "partition values"}}])
        self.assertEqual(self.partition_values("glue_p1"),
                         [("2001", "1"), ("2001", "2"), ("2002", "1")])

    def test_get_partitions_expressions(self):
        self.make_orders("glue_p2")
        inputs = [partition_input(year, str(month))
                  for year in ("2000", "2001", "2002") for month in range(1, 13)]
        for start in range(0, len(inputs), 100):
            self.assertEqual(self.glue.batch_create_partition(
                DatabaseName="glue_p2", TableName="orders",
                PartitionInputList=inputs[start:start + 100])["Errors"], [])

        def matching(expression):
            return self.partition_values("glue_p2", Expression=expression)

        self.assertEqual(len(matching("")), 36)
        self.assertEqual(matching("year='2001' AND month>10"),
                         [("2001", "11"), ("2001", "12")])
        # month is an int key: 9 < 10 numerically (as strings '9' > '10').
        self.assertEqual(matching("year = '2002' AND month BETWEEN 9 AND 10"),
                         [("2002", "10"), ("2002", "9")])
        # year is a string key: compared as strings.
        self.assertEqual(len(matching("year > '2000'")), 24)
        self.assertEqual(matching("year IN ('2000', '2002') AND month = 1"),
                         [("2000", "1"), ("2002", "1")])
        self.assertEqual(matching("(year = '2000' OR year = '2001') AND NOT month <> 12"),
                         [("2000", "12"), ("2001", "12")])
        self.assertEqual(matching("year = '2000' OR year = '2001' AND month = 12"),
                         sorted([("2000", str(m)) for m in range(1, 13)] + [("2001", "12")]))
        self.assertEqual(matching("year LIKE '200_' AND month IN (2, 3) AND year <> '2001'"),
                         [("2000", "2"), ("2000", "3"), ("2002", "2"), ("2002", "3")])
        self.assertEqual(matching("month >= '11' AND year NOT IN ('2000', '2001')"),
                         [("2002", "11"), ("2002", "12")])

        message = self.assert_error(self.glue.get_partitions, "InvalidInputException",
                                    DatabaseName="glue_p2", TableName="orders",
                                    Expression="month = 'June'")
        self.assertIn("'June' is not a valid value for the partition key 'month'", message)
        message = self.assert_error(self.glue.get_partitions, "InvalidInputException",
                                    DatabaseName="glue_p2", TableName="orders",
                                    Expression="day = '1'")
        self.assertIn("'day' is not a partition key", message)
        self.assert_error(self.glue.get_partitions, "InvalidInputException",
                          DatabaseName="glue_p2", TableName="orders",
                          Expression="year = '2001' AND (month = 1")

        # Pages: 36 partitions, 5 at a time, each exactly once.
        pages = list(self.glue.get_paginator("get_partitions").paginate(
            DatabaseName="glue_p2", TableName="orders", PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Partitions"]) for p in pages], [5] * 7 + [1])
        self.assertEqual(len({tuple(p["Values"]) for page in pages
                              for p in page["Partitions"]}), 36)
        first = self.glue.get_partitions(DatabaseName="glue_p2", TableName="orders",
                                         Expression="year = '2001'", MaxResults=12)
        self.assertEqual(len(first["Partitions"]), 12)
        self.assertNotIn("NextToken", first)   # exactly a page: nothing follows

        # Segments split the partitions without overlap.
        seen = []
        for number in range(3):
            seen += self.partition_values(
                "glue_p2", Segment={"SegmentNumber": number, "TotalSegments": 3})
        self.assertEqual(sorted(seen), matching(""))
        self.assert_error(self.glue.get_partitions, "InvalidInputException",
                          DatabaseName="glue_p2", TableName="orders",
                          Segment={"SegmentNumber": 3, "TotalSegments": 3})
        bare = self.glue.get_partitions(DatabaseName="glue_p2", TableName="orders",
                                        ExcludeColumnSchema=True, MaxResults=1)
        self.assertNotIn("Columns", bare["Partitions"][0]["StorageDescriptor"])

    def test_batch_get_update_and_delete(self):
        self.make_orders("glue_p3")
        self.glue.batch_create_partition(
            DatabaseName="glue_p3", TableName="orders",
            PartitionInputList=[partition_input("2001", str(m)) for m in range(1, 5)])
        got = self.glue.batch_get_partition(
            DatabaseName="glue_p3", TableName="orders",
            PartitionsToGet=[{"Values": ["2001", "1"]}, {"Values": ["1999", "1"]},
                             {"Values": ["2001", "3"]}])
        self.assertEqual(sorted(p["Values"] for p in got["Partitions"]),
                         [["2001", "1"], ["2001", "3"]])
        self.assertEqual(got["UnprocessedKeys"], [{"Values": ["1999", "1"]}])

        self.glue.update_partition(
            DatabaseName="glue_p3", TableName="orders", PartitionValueList=["2001", "1"],
            PartitionInput={"Values": ["2001", "1"],
                            "StorageDescriptor": {"Location": "s3://glue/elsewhere/"}})
        p = self.glue.get_partition(DatabaseName="glue_p3", TableName="orders",
                                    PartitionValues=["2001", "1"])["Partition"]
        self.assertEqual(p["StorageDescriptor"], {"Location": "s3://glue/elsewhere/"})
        self.assertNotIn("Parameters", p)
        self.assert_error(self.glue.update_partition, "InvalidInputException",
                          DatabaseName="glue_p3", TableName="orders",
                          PartitionValueList=["2001", "1"],
                          PartitionInput={"Values": ["2001", "9"]})
        self.assert_error(self.glue.update_partition, "EntityNotFoundException",
                          "Cannot find partition.", DatabaseName="glue_p3",
                          TableName="orders", PartitionValueList=["1999", "1"],
                          PartitionInput={"Values": ["1999", "1"]})

        self.glue.delete_partition(DatabaseName="glue_p3", TableName="orders",
                                   PartitionValues=["2001", "1"])
        self.assert_error(self.glue.delete_partition, "EntityNotFoundException",
                          "Cannot find partition.", DatabaseName="glue_p3",
                          TableName="orders", PartitionValues=["2001", "1"])
        out = self.glue.batch_delete_partition(
            DatabaseName="glue_p3", TableName="orders",
            PartitionsToDelete=[{"Values": ["2001", "2"]}, {"Values": ["2001", "1"]}])
        self.assertEqual(out["Errors"], [{"PartitionValues": ["2001", "1"], "ErrorDetail": {
            "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Cannot find partition."}}])
        self.assertEqual(self.partition_values("glue_p3"), [("2001", "3"), ("2001", "4")])

    def test_dropping_the_table_drops_its_partitions(self):
        # Through Glue.
        self.make_orders("glue_p4")
        self.glue.create_partition(DatabaseName="glue_p4", TableName="orders",
                                   PartitionInput=partition_input("2001", "1"))
        self.glue.delete_table(DatabaseName="glue_p4", Name="orders")
        self.glue.create_table(DatabaseName="glue_p4", TableInput=table_input(
            "orders", "s3://glue/orders/", partition_keys=PARTITION_KEYS))
        self.assertEqual(self.partition_values("glue_p4"), [])
        # Through Athena DDL.
        self.glue.create_partition(DatabaseName="glue_p4", TableName="orders",
                                   PartitionInput=partition_input("2002", "2"))
        self.assertEqual(self.partition_values("glue_p4"), [("2002", "2")])
        run_query(self.athena, "DROP TABLE glue_p4.orders")
        self.assert_error(self.glue.get_partitions, "EntityNotFoundException",
                          "Table orders not found.", DatabaseName="glue_p4",
                          TableName="orders")
        self.glue.create_table(DatabaseName="glue_p4", TableInput=table_input(
            "orders", "s3://glue/orders/", partition_keys=PARTITION_KEYS))
        self.assertEqual(self.partition_values("glue_p4"), [])


class SharedCatalogTest(GlueTest):

    def test_glue_created_parquet_table_is_queryable(self):
        folder = os.path.join(self.srv.data_dir, "s3", "gluedata", "flights")
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, "flights.parquet")
        try:
            os.link(FLIGHTS_PARQUET, target)
        except OSError:
            import shutil
            shutil.copyfile(FLIGHTS_PARQUET, target)
        self.make_database("glue_sql")
        self.glue.create_table(DatabaseName="glue_sql", TableInput=table_input(
            "Flights", "s3://gluedata/flights/", columns=FLIGHTS_COLUMNS))
        rows = select_rows(self.athena, "SELECT count(*) AS n, sum(delay) AS delay "
                                        "FROM glue_sql.flights")
        self.assertEqual(rows, [["n", "delay"], [str(FLIGHTS_ROW_COUNT), str(FLIGHTS_DELAY_SUM)]])
        rows = select_rows(self.athena, "SELECT origin, count(*) FROM flights "
                                        "WHERE origin = 'BTR' GROUP BY origin",
                           database="glue_sql")
        self.assertEqual(rows, [["origin", "_col1"], ["BTR", "2824"]])
        # Athena's own catalog API sees it too.
        meta = self.athena.get_table_metadata(CatalogName="AwsDataCatalog",
                                              DatabaseName="glue_sql", TableName="flights")
        self.assertEqual([c["Name"] for c in meta["TableMetadata"]["Columns"]],
                         [c["Name"] for c in FLIGHTS_COLUMNS])

    def test_glue_created_partitioned_table_is_queryable(self):
        root = os.path.join(self.srv.data_dir, "s3", "gluedata", "sales")
        for year, month, rows in (("2001", "1", "1,10\n2,20\n"), ("2001", "2", "3,30\n"),
                                  ("2002", "1", "4,40\n")):
            folder = os.path.join(root, f"year={year}", f"month={month}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "part-0.csv"), "w") as f:
                f.write(rows)
        self.make_database("glue_sql2")
        self.glue.create_table(DatabaseName="glue_sql2", TableInput={
            "Name": "sales", "TableType": "EXTERNAL_TABLE", "PartitionKeys": PARTITION_KEYS,
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "int"}, {"Name": "amount", "Type": "bigint"}],
                "Location": "s3://gluedata/sales/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {"SerializationLibrary":
                              "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                              "Parameters": {"field.delim": ",",
                                             "serialization.format": ","}}}})
        # As in Athena, only registered partitions are read: register two of
        # the three folders through Glue; the third stays invisible.
        self.glue.batch_create_partition(
            DatabaseName="glue_sql2", TableName="sales",
            PartitionInputList=[{"Values": [y, m], "StorageDescriptor": {
                "Location": f"s3://gluedata/sales/year={y}/month={m}/"}}
                for y, m in (("2001", "1"), ("2002", "1"))])
        rows = select_rows(self.athena, "SELECT year, month, sum(amount) AS total "
                                        "FROM glue_sql2.sales GROUP BY year, month "
                                        "ORDER BY year, month")
        self.assertEqual(rows, [["year", "month", "total"], ["2001", "1", "30"],
                                ["2002", "1", "40"]])

    def test_ddl_created_table_through_glue(self):
        table = self.glue.get_table(DatabaseName="demo", Name="flights")["Table"]
        self.assertEqual(table["StorageDescriptor"], {
            "Columns": FLIGHTS_COLUMNS,
            "Location": "s3://demo/flights/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "Compressed": False,
            "NumberOfBuckets": -1,
            "SerdeInfo": {"SerializationLibrary":
                          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                          "Parameters": {"serialization.format": "1"}},
            "BucketColumns": [],
            "SortColumns": [],
            "Parameters": {},
            "SkewedInfo": {"SkewedColumnNames": [], "SkewedColumnValues": [],
                           "SkewedColumnValueLocationMaps": {}},
            "StoredAsSubDirectories": False,
        })
        self.assertEqual(table["TableType"], "EXTERNAL_TABLE")
        self.assertEqual(table["PartitionKeys"], [])
        self.assertEqual(table["CatalogId"], ACCOUNT)
        names = [t["Name"] for t in self.glue.get_tables(DatabaseName="demo")["TableList"]]
        self.assertEqual(names, ["airports", "flights"])
        # A DDL table changed through Glue is what SQL then reads.
        run_query(self.athena, "CREATE EXTERNAL TABLE demo.flights_copy (delay bigint) "
                               "STORED AS PARQUET LOCATION 's3://demo/flights/'")
        self.addCleanup(run_query, self.athena, "DROP TABLE IF EXISTS demo.flights_copy")
        copy = self.glue.get_table(DatabaseName="demo", Name="flights_copy")["Table"]
        update = {k: copy[k] for k in ("Name", "StorageDescriptor", "PartitionKeys",
                                       "TableType", "Parameters")}
        update["StorageDescriptor"]["Columns"] = [{"Name": "origin", "Type": "string"},
                                                  {"Name": "distance", "Type": "bigint"}]
        self.glue.update_table(DatabaseName="demo", TableInput=update)
        rows = select_rows(self.athena, "SELECT max(distance) FROM demo.flights_copy "
                                        "WHERE origin = 'ORD'")
        self.assertEqual(rows, [["_col0"], ["4244"]])


class AwsCliMixin:
    """aws glue get-table / get-partitions, run once per CLI version."""

    aws_path = None

    @classmethod
    def setUpClass(cls):
        cls._ctx = demo_server()
        cls.srv = cls._ctx.__enter__()
        glue = cls.srv.client("glue")
        glue.create_database(DatabaseInput={"Name": "cli"})
        glue.create_table(DatabaseName="cli", TableInput=table_input(
            "orders", "s3://glue/orders/", partition_keys=PARTITION_KEYS))
        glue.batch_create_partition(DatabaseName="cli", TableName="orders", PartitionInputList=[
            partition_input(y, m) for y in ("2000", "2001") for m in ("1", "2")])

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    def aws(self, *args, expect_ok=True):
        home = os.path.join(self.srv.data_dir, "..")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "LANG": "C.UTF-8", "AWS_ACCESS_KEY_ID": self.srv.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
               "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
               "AWS_PAGER": "", "NO_PROXY": "127.0.0.1,localhost"}
        proc = subprocess.run([self.aws_path, "glue", *args, "--endpoint-url", self.srv.url,
                               "--region", "us-east-1", "--output", "json"],
                              env=env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        if expect_ok:
            self.assertEqual(proc.returncode, 0, f"{args}: {proc.stderr}")
            return json.loads(proc.stdout)
        return proc

    def test_get_table(self):
        table = self.aws("get-table", "--database-name", "demo", "--name", "flights")["Table"]
        self.assertEqual(table["Name"], "flights")
        self.assertEqual(table["DatabaseName"], "demo")
        self.assertEqual(table["StorageDescriptor"]["Columns"], FLIGHTS_COLUMNS)
        self.assertEqual(table["StorageDescriptor"]["Location"], "s3://demo/flights/")
        proc = self.aws("get-table", "--database-name", "demo", "--name", "nope",
                        expect_ok=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("An error occurred (EntityNotFoundException) when calling the GetTable "
                      "operation: Table nope not found.", proc.stderr)

    def test_get_partitions_with_expression(self):
        out = self.aws("get-partitions", "--database-name", "cli", "--table-name", "orders",
                       "--expression", "year='2001'")
        self.assertEqual(sorted(p["Values"] for p in out["Partitions"]),
                         [["2001", "1"], ["2001", "2"]])
        self.assertEqual(out["Partitions"][0]["StorageDescriptor"]["Location"],
                         f"s3://glue/orders/year=2001/month={out['Partitions'][0]['Values'][1]}/")
        # The CLI follows NextToken by itself over pages of one.
        out = self.aws("get-partitions", "--database-name", "cli", "--table-name", "orders",
                       "--page-size", "1")
        self.assertEqual(len(out["Partitions"]), 4)


class AwsCliV1Test(AwsCliMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.aws_path = find_v1()
        if cls.aws_path is None:
            raise AssertionError("AWS CLI v1 not found: no `aws` on PATH reports aws-cli/1.x")
        super().setUpClass()


class AwsCliV2Test(AwsCliMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(V2_PATH):
            raise unittest.SkipTest(f"AWS CLI v2 not installed ({V2_PATH} missing)")
        cls.aws_path = V2_PATH
        super().setUpClass()


if __name__ == "__main__":
    unittest.main()
