# The schema-discovery commands (athena databases / tables / describe /
# partitions), first against a scripted Glue endpoint, then against
# athena-local.
#
# The harness's ScriptedAthena plays Glue (it answers any X-Amz-Target from a
# script and re-verifies every SigV4 signature with botocore): a small
# catalog with paged answers, Expression filters, and AccessDeniedException
# for the listing calls, as under the data-access policy that grants only
# glue:GetDatabase, GetTable and GetPartitions. That policy is what the
# fallbacks (configured athena_database / athena_tables) are for; athena-local
# cannot deny a call yet, so the scripted part stays.
#
# Against athena-local, tables made with Athena DDL through `athena query`
# are listed and described, and partitions are filtered by its own Glue
# expression evaluator.

import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CRED_ENV = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
ACCOUNT = "210987654321"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/dot-app"

CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"


def table(db, name, columns, location, serde, partition_keys=(), serde_params=None,
          params=None):
    return {
        "Name": name, "DatabaseName": db, "TableType": "EXTERNAL_TABLE",
        "CreateTime": 1714557600.0, "CatalogId": ACCOUNT,
        "StorageDescriptor": {
            "Columns": [dict(c) for c in columns], "Location": location,
            "InputFormat": TEXT_INPUT, "OutputFormat": TEXT_OUTPUT, "Compressed": False,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params or {}},
        },
        "PartitionKeys": [dict(k) for k in partition_keys],
        "Parameters": params or {},
    }


ORDERS = table(
    "sales", "orders",
    [{"Name": "order_id", "Type": "bigint", "Comment": "primary key"},
     {"Name": "customer", "Type": "string"},
     {"Name": "amount", "Type": "decimal(12,2)"}],
    "s3://example-data/sales/orders/", CSV_SERDE,
    partition_keys=[{"Name": "year", "Type": "string"},
                    {"Name": "month", "Type": "string", "Comment": "two digits"}],
    serde_params={"separatorChar": ",", "quoteChar": "\""},
    params={"classification": "csv"})
CUSTOMERS = table("sales", "customers", [{"Name": "id", "Type": "bigint"}],
                  "s3://example-data/sales/customers/", PARQUET_SERDE)
HITS = table("web", "hits", [{"Name": "url", "Type": "string"}],
             "s3://example-data/web/hits/", PARQUET_SERDE)
BULK = [table("bulk", f"t{i:03d}", [{"Name": "c", "Type": "int"}],
              f"s3://example-data/bulk/t{i:03d}/", PARQUET_SERDE) for i in range(125)]

DATABASES = [
    {"Name": "bulk", "CatalogId": ACCOUNT},
    {"Name": "sales", "Description": "Sales data mart",
     "LocationUri": "s3://example-data/sales/", "CatalogId": ACCOUNT},
    {"Name": "web", "Description": "Web logs, \"raw\"", "CatalogId": ACCOUNT},
]
TABLES = {"sales": [CUSTOMERS, ORDERS], "web": [HITS], "bulk": BULK}
PARTITION_VALUES = [("2023", "12"), ("2024", "01"), ("2024", "02"), ("2024", "03"),
                    ("2025", "01")]


def partition(values):
    year, month = values
    return {"Values": list(values), "DatabaseName": "sales", "TableName": "orders",
            "CreationTime": 1714557600.0,
            "StorageDescriptor": {
                "Location": f"s3://example-data/sales/orders/year={year}/month={month}/"}}


def glue_error(code, message, status=400):
    return status, {"__type": code, "message": message}


def denied(action, resource):
    return glue_error(
        "AccessDeniedException",
        f"User: {USER_ARN} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action")


def pattern_matches(pattern, name):
    """Glue's table-name pattern as the real service applies it."""
    for alternative in pattern.split("|"):
        regex = alternative.strip().replace("*", ".*")
        if re.fullmatch(regex, name, re.IGNORECASE):
            return True
    return False


class FakeGlue:
    """A Glue catalog script: paged answers, filters, and denials."""

    def __init__(self, deny=(), partition_page=2):
        self.deny = set(deny)
        self.partition_page = partition_page

    def _paged(self, rec, items, member, default_page):
        body = rec.json or {}
        limit = body.get("MaxResults", default_page)
        offset = int(body["NextToken"].split("-")[1]) if "NextToken" in body else 0
        answer = {member: items[offset:offset + limit]}
        if offset + limit < len(items):
            answer["NextToken"] = f"tok-{offset + limit}"
        return answer

    def _denied(self, rec, resource):
        if rec.operation in self.deny:
            return denied(f"glue:{rec.operation}", resource)
        return None

    def get_databases(self, rec):
        return (self._denied(rec, f"arn:aws:glue:us-east-1:{ACCOUNT}:catalog")
                or self._paged(rec, DATABASES, "DatabaseList", 2))

    def get_database(self, rec):
        name = rec.json.get("Name")
        found = [d for d in DATABASES if d["Name"] == name]
        if not found:
            return glue_error("EntityNotFoundException", f"Database {name} not found.")
        return {"Database": found[0]}

    def get_tables(self, rec):
        db = rec.json.get("DatabaseName")
        refusal = self._denied(rec, f"arn:aws:glue:us-east-1:{ACCOUNT}:database/{db}")
        if refusal:
            return refusal
        if db not in TABLES:
            return glue_error("EntityNotFoundException", f"Database {db} not found.")
        items = TABLES[db]
        if "Expression" in rec.json:
            items = [t for t in items if pattern_matches(rec.json["Expression"], t["Name"])]
        return self._paged(rec, items, "TableList", 100)

    def get_table(self, rec):
        db, name = rec.json.get("DatabaseName"), rec.json.get("Name")
        found = [t for t in TABLES.get(db, []) if t["Name"] == name]
        if not found:
            return glue_error("EntityNotFoundException", f"Table {name} not found.")
        return {"Table": found[0]}

    def get_partitions(self, rec):
        if (rec.json.get("DatabaseName"), rec.json.get("TableName")) != ("sales", "orders"):
            return {"Partitions": []}
        values = PARTITION_VALUES
        expression = rec.json.get("Expression")
        if expression is not None:
            m = re.fullmatch(r"year\s*=\s*'(\d{4})'", expression)
            if not m:
                return glue_error("InvalidInputException", f"Unsupported expression {expression}")
            values = [v for v in values if v[0] == m.group(1)]
        return self._paged(rec, [partition(v) for v in values], "Partitions",
                           self.partition_page)

    def script(self):
        return {"GetDatabases": self.get_databases, "GetDatabase": self.get_database,
                "GetTables": self.get_tables, "GetTable": self.get_table,
                "GetPartitions": self.get_partitions}


class CatalogCommandsTest(unittest.TestCase):
    def setUp(self):
        harness.require_athena(self)
        self.home = tempfile.mkdtemp(prefix="athena-home-")
        self.addCleanup(shutil.rmtree, self.home, True)

    def serve(self, **fake_options):
        responder = harness.ScriptedAthena(FakeGlue(**fake_options).script(),
                                           {KEY_ID: SECRET}).start()
        self.addCleanup(responder.stop)
        return responder

    def profile(self, **values):
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        lines = ["[default]"] + [f"{k} = {v}" for k, v in values.items()]
        with open(os.path.join(self.home, ".aws", "config"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def athena(self, responder, *args, output="csv"):
        return harness.run_athena(
            ["--endpoint-url", responder.url, "--region", "us-east-1", "--output", output,
             *args], env=CRED_ENV, home=self.home, timeout=60)

    def assert_signed_glue(self, responder):
        self.assertTrue(responder.requests)
        for rec in responder.requests:
            self.assertTrue(rec.signed_ok, f"bad signature on {rec!r}")
            self.assertTrue(rec.target.startswith("AWSGlue."), rec)
            credential = rec.header("authorization").split("Credential=")[1].split(",")[0]
            self.assertTrue(credential.endswith("/us-east-1/glue/aws4_request"), credential)
            self.assertEqual(rec.header("content-type"), "application/x-amz-json-1.1")

    # ---- databases ----

    def test_databases_pages_through_get_databases(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "databases")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "database_name,description,location_uri\n"
                              "bulk,,\n"
                              "sales,Sales data mart,s3://example-data/sales/\n"
                              "web,\"Web logs, \"\"raw\"\"\",\n")
        self.assertEqual(err, "")
        calls = responder.calls("GetDatabases")
        self.assertEqual([c.json.get("NextToken") for c in calls], [None, "tok-2"])
        self.assert_signed_glue(responder)

    def test_databases_json_and_max_rows(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "databases", "--max-rows", "2", output="json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out), [
            {"database_name": "bulk", "description": None, "location_uri": None},
            {"database_name": "sales", "description": "Sales data mart",
             "location_uri": "s3://example-data/sales/"}])
        self.assertEqual(len(responder.calls("GetDatabases")), 1, "stops once it has enough")

    def test_databases_denied_falls_back_to_configured_database(self):
        responder = self.serve(deny={"GetDatabases"})
        self.profile(athena_database="sales")
        rc, out, err = self.athena(responder, "databases")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "database_name,description,location_uri\n"
                              "sales,Sales data mart,s3://example-data/sales/\n")
        self.assertIn(f"glue:GetDatabases on arn:aws:glue:us-east-1:{ACCOUNT}:catalog", err)
        self.assertEqual([c.json for c in responder.calls("GetDatabase")], [{"Name": "sales"}])

    def test_databases_denied_without_configuration_exits_4(self):
        responder = self.serve(deny={"GetDatabases"})
        rc, out, err = self.athena(responder, "databases")
        self.assertEqual(rc, 4, err)
        self.assertEqual(out, "")
        self.assertIn("athena: error: AccessDeniedException: User: " + USER_ARN, err)
        self.assertIn(f"hint: allow glue:GetDatabases on arn:aws:glue:us-east-1:{ACCOUNT}:catalog",
                      err)

    # ---- tables ----

    def test_tables_of_a_database(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "tables", "sales")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "table_name,table_type,location,partition_keys\n"
                              "customers,EXTERNAL_TABLE,s3://example-data/sales/customers/,\n"
                              "orders,EXTERNAL_TABLE,s3://example-data/sales/orders/,"
                              "\"year, month\"\n")
        (call,) = responder.calls("GetTables")
        self.assertEqual(call.json, {"DatabaseName": "sales"})
        self.assert_signed_glue(responder)

    def test_tables_pages_and_defaults_to_configured_database(self):
        responder = self.serve()
        self.profile(athena_database="bulk")
        rc, out, err = self.athena(responder, "tables", output="jsonl")
        self.assertEqual(rc, 0, err)
        names = [json.loads(line)["table_name"] for line in out.splitlines()]
        self.assertEqual(names, [f"t{i:03d}" for i in range(125)])
        self.assertEqual([c.json.get("NextToken") for c in responder.calls("GetTables")],
                         [None, "tok-100"])
        rc, out, err = self.athena(responder, "tables", "--database", "web")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1:], ["hits,EXTERNAL_TABLE,s3://example-data/web/hits/,"])

    def test_tables_like_sends_the_expression(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "tables", "bulk", "--like", "t01*|T120")
        self.assertEqual(rc, 0, err)
        names = [line.split(",")[0] for line in out.splitlines()[1:]]
        self.assertEqual(names, [f"t{i:03d}" for i in range(10, 20)] + ["t120"])
        self.assertEqual(responder.calls("GetTables")[0].json,
                         {"DatabaseName": "bulk", "Expression": "t01*|T120"})

    def test_tables_without_a_database_is_a_usage_error(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "tables")
        self.assertEqual(rc, 2, err)
        self.assertIn("no database", err)
        self.assertEqual(responder.requests, [])

    def test_tables_denied_lists_configured_tables(self):
        responder = self.serve(deny={"GetTables"})
        self.profile(athena_database="sales",
                     athena_tables="orders, customers,missing_one  web.hits, bad..name")
        rc, out, err = self.athena(responder, "tables")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "table_name,table_type,location,partition_keys\n"
                              "orders,EXTERNAL_TABLE,s3://example-data/sales/orders/,"
                              "\"year, month\"\n"
                              "customers,EXTERNAL_TABLE,s3://example-data/sales/customers/,\n")
        self.assertIn("configured table sales.missing_one skipped: EntityNotFoundException", err)
        self.assertIn("athena_tables entry 'bad..name' is not a table name", err)
        self.assertIn(f"glue:GetTables on arn:aws:glue:us-east-1:{ACCOUNT}:database/sales", err)
        checked = [(c.json["DatabaseName"], c.json["Name"]) for c in responder.calls("GetTable")]
        self.assertEqual(checked, [("sales", "orders"), ("sales", "customers"),
                                   ("sales", "missing_one")])

        rc, out, err = self.athena(responder, "tables", "web")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1:], ["hits,EXTERNAL_TABLE,s3://example-data/web/hits/,"])
        self.assertIn(f"glue:GetTables on arn:aws:glue:us-east-1:{ACCOUNT}:database/web", err)

    def test_tables_denied_filters_configured_tables_with_like(self):
        responder = self.serve(deny={"GetTables"})
        self.profile(athena_database="sales", athena_tables="orders, customers")
        rc, out, err = self.athena(responder, "tables", "--like", "CUST*")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1:],
                         ["customers,EXTERNAL_TABLE,s3://example-data/sales/customers/,"])
        self.assertEqual([c.json["Name"] for c in responder.calls("GetTable")], ["customers"])

    def test_tables_denied_without_configured_tables_exits_4(self):
        responder = self.serve(deny={"GetTables"})
        self.profile(athena_database="sales", athena_tables="web.hits")
        rc, out, err = self.athena(responder, "tables")
        self.assertEqual(rc, 4, err)
        self.assertEqual(out, "")
        self.assertIn("athena: error: AccessDeniedException: ", err)
        self.assertIn(f"hint: allow glue:GetTables on arn:aws:glue:us-east-1:{ACCOUNT}:"
                      "database/sales", err)
        self.assertIn("athena_tables = ", err)
        self.assertEqual(responder.calls("GetTable"), [])

    # ---- describe ----

    def test_describe_table(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "describe", "sales.orders")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "\n".join([
            "section,name,value,comment",
            "column,order_id,bigint,primary key",
            "column,customer,string,",
            "column,amount,\"decimal(12,2)\",",
            "partition_key,year,string,",
            "partition_key,month,string,two digits",
            "table,database,sales,",
            "table,table,orders,",
            "table,table_type,EXTERNAL_TABLE,",
            "table,location,s3://example-data/sales/orders/,",
            f"table,input_format,{TEXT_INPUT},",
            f"table,output_format,{TEXT_OUTPUT},",
            f"table,serde_library,{CSV_SERDE},",
            "serde_parameter,separatorChar,\",\",",
            "serde_parameter,quoteChar,\"\"\"\",",
            "table_parameter,classification,csv,",
        ]) + "\n")
        self.assertEqual(responder.calls("GetTable")[0].json,
                         {"DatabaseName": "sales", "Name": "orders"})

    def test_describe_uses_default_database_and_reports_missing(self):
        responder = self.serve()
        self.profile(athena_database="web")
        rc, out, err = self.athena(responder, "describe", "hits", output="jsonl")
        self.assertEqual(rc, 0, err)
        first = json.loads(out.splitlines()[0])
        self.assertEqual(first, {"section": "column", "name": "url", "value": "string",
                                 "comment": None})
        rc, out, err = self.athena(responder, "describe", "nope")
        self.assertEqual(rc, 5, err)
        self.assertEqual(out, "")
        self.assertIn("EntityNotFoundException: Table nope not found.", err)
        rc, out, err = self.athena(responder, "describe")
        self.assertEqual(rc, 2, err)
        rc, out, err = self.athena(responder, "describe", "sales.")
        self.assertEqual(rc, 2, err)
        self.assertIn("is not a table name", err)

    # ---- partitions ----

    def test_partitions_pages(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "partitions", "sales.orders")
        self.assertEqual(rc, 0, err)
        expected = ["year,month,location"] + [
            f"{y},{m},s3://example-data/sales/orders/year={y}/month={m}/"
            for y, m in PARTITION_VALUES]
        self.assertEqual(out.splitlines(), expected)
        calls = responder.calls("GetPartitions")
        self.assertEqual([c.json.get("NextToken") for c in calls], [None, "tok-2", "tok-4"])
        self.assertEqual(calls[0].json, {"DatabaseName": "sales", "TableName": "orders"})
        self.assert_signed_glue(responder)

    def test_partitions_where_and_max_rows(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "partitions", "sales.orders", "--where",
                                   "year = '2024'", output="jsonl")
        self.assertEqual(rc, 0, err)
        self.assertEqual([json.loads(x) for x in out.splitlines()], [
            {"year": "2024", "month": m,
             "location": f"s3://example-data/sales/orders/year=2024/month={m}/"}
            for m in ("01", "02", "03")])
        self.assertEqual({c.json.get("Expression") for c in responder.calls("GetPartitions")},
                         {"year = '2024'"})
        rc, out, err = self.athena(responder, "partitions", "sales.orders", "--max-rows", "1")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.splitlines()), 2)
        rc, out, err = self.athena(responder, "partitions", "sales.orders", "--where", "bogus")
        self.assertEqual(rc, 5, err)
        self.assertEqual(out, "")
        self.assertIn("InvalidInputException: Unsupported expression bogus", err)

    def test_partitions_of_unpartitioned_table(self):
        responder = self.serve()
        rc, out, err = self.athena(responder, "partitions", "sales.customers")
        self.assertEqual(rc, 2, err)
        self.assertIn("table sales.customers is not partitioned", err)
        self.assertEqual(responder.calls("GetPartitions"), [])

    # ---- help ----

    def test_help_texts(self):
        for command, needle in (("databases", "GetDatabases"), ("tables", "--like PATTERN"),
                                ("describe", "serde_parameter"), ("partitions", "--where EXPR")):
            rc, out, err = harness.run_athena([command, "--help"])
            self.assertEqual(rc, 0, err)
            self.assertIn(needle, out)
        rc, out, err = harness.run_athena(["--help"])
        self.assertIn("partitions [DB.]TABLE", out)


# --------------------------------------------------------------------------
# Against athena-local: the catalog that Athena DDL writes is the one Glue
# serves, so tables made with `athena query` show up in these commands.
# --------------------------------------------------------------------------

LOCAL_DDL = (
    "CREATE DATABASE IF NOT EXISTS shop COMMENT 'The shop' LOCATION 's3://data/shop/'",
    "CREATE EXTERNAL TABLE shop.orders (order_id bigint COMMENT 'primary key',"
    " customer string, amount decimal(12,2))"
    " PARTITIONED BY (year string, month string)"
    " ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'"
    " WITH SERDEPROPERTIES ('separatorChar' = ';')"
    " LOCATION 's3://data/shop/orders/'",
    "CREATE EXTERNAL TABLE shop.customers (id bigint, name string)"
    " STORED AS PARQUET LOCATION 's3://data/shop/customers/'",
)
# Added through Glue: athena-local's DDL has no ALTER TABLE ADD PARTITION yet.
LOCAL_PARTITIONS = (("2023", "12"), ("2024", "01"), ("2024", "02"))


class CatalogCommandsLocalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from local_harness import athena_local
        cls._ctx = athena_local()
        cls.srv = cls._ctx.__enter__()
        try:
            for statement in LOCAL_DDL:
                rc, out, err = cls.run_cli("query", statement)
                if rc != 0:
                    raise AssertionError(f"{statement}: {err}")
            cls.srv.client("glue").batch_create_partition(
                DatabaseName="shop", TableName="orders", PartitionInputList=[
                    {"Values": [y, m], "StorageDescriptor": {
                        "Location": f"s3://data/shop/orders/{y}/{m}/"}}
                    for y, m in LOCAL_PARTITIONS])
        except Exception:
            cls._ctx.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls._ctx.__exit__(None, None, None)

    @classmethod
    def run_cli(cls, *args, output="csv"):
        env = {"AWS_ACCESS_KEY_ID": cls.srv.access_key_id,
               "AWS_SECRET_ACCESS_KEY": cls.srv.secret_access_key}
        return harness.run_athena(
            ["--endpoint-url", cls.srv.url, "--region", "us-east-1", "--output", output,
             "--output-location", "s3://results/catalog/", *args], env=env, timeout=60)

    def setUp(self):
        harness.require_athena(self)

    def athena(self, *args, output="csv"):
        return self.run_cli(*args, output=output)

    def test_databases_and_tables(self):
        rc, out, err = self.athena("databases")
        self.assertEqual(rc, 0, err)
        self.assertIn("shop,The shop,s3://data/shop/\n", out)
        rc, out, err = self.athena("tables", "shop")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "table_name,table_type,location,partition_keys\n"
                              "customers,EXTERNAL_TABLE,s3://data/shop/customers/,\n"
                              "orders,EXTERNAL_TABLE,s3://data/shop/orders/,\"year, month\"\n")
        rc, out, err = self.athena("tables", "--database", "shop", "--like", "cust*")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1:], ["customers,EXTERNAL_TABLE,s3://data/shop/customers/,"])

    def test_describe_matches_glue(self):
        rc, out, err = self.athena("describe", "shop.orders", output="jsonl")
        self.assertEqual(rc, 0, err)
        rows = [json.loads(line) for line in out.splitlines()]
        glue = self.srv.client("glue").get_table(DatabaseName="shop", Name="orders")["Table"]
        sd = glue["StorageDescriptor"]
        self.assertEqual([(r["name"], r["value"], r["comment"]) for r in rows
                          if r["section"] == "column"],
                         [(c["Name"], c["Type"], c.get("Comment")) for c in sd["Columns"]])
        self.assertEqual([r["name"] for r in rows if r["section"] == "partition_key"],
                         ["year", "month"])
        props = {r["name"]: r["value"] for r in rows if r["section"] == "table"}
        self.assertEqual(props["location"], "s3://data/shop/orders/")
        self.assertEqual(props["serde_library"], sd["SerdeInfo"]["SerializationLibrary"])
        self.assertEqual(props["input_format"], sd["InputFormat"])
        serde = {r["name"]: r["value"] for r in rows if r["section"] == "serde_parameter"}
        self.assertEqual(serde.get("separatorChar"), ";")

    def test_partitions_with_filter(self):
        rc, out, err = self.athena("partitions", "shop.orders")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(out.splitlines()[1:]), [
            "2023,12,s3://data/shop/orders/2023/12/",
            "2024,01,s3://data/shop/orders/2024/01/",
            "2024,02,s3://data/shop/orders/2024/02/"])
        rc, out, err = self.athena("partitions", "shop.orders", "--where",
                                   "year = '2024' AND month > '01'")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines(), ["year,month,location",
                                            "2024,02,s3://data/shop/orders/2024/02/"])
        rc, out, err = self.athena("describe", "shop.nope")
        self.assertEqual(rc, 5, err)
        self.assertIn("EntityNotFoundException", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
