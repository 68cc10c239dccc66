// glue.mjs: the Glue part of the JS SDK smoke test. It catalogs the files
// s3.mjs wrote, as an application would through the SDK: a database, a CSV
// table over sales/ and a table over events/ partitioned by region, its
// partitions, and reads them back (GetTable, GetTables with paging,
// GetPartitions with and without an expression) plus Glue's error names.

import { BUCKET, REGIONS } from "./s3.mjs";
import { check, checkEqual, expectError, step } from "./lib.mjs";

export const DATABASE = "js_sdk";

const TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";

const SALES_COLUMNS = [{ Name: "id", Type: "int" }, { Name: "name", Type: "string" },
                       { Name: "category", Type: "string" }, { Name: "amount", Type: "bigint" }];
const EVENT_COLUMNS = [{ Name: "day", Type: "string" }, { Name: "value", Type: "int" }];

function csvStorage(columns, location) {
  return {
    Columns: columns, Location: location, InputFormat: TEXT_INPUT, OutputFormat: TEXT_OUTPUT,
    SerdeInfo: { SerializationLibrary: LAZY_SIMPLE, Parameters: { "field.delim": "," } },
  };
}

async function createCatalog(glue, sdk) {
  await glue.send(new sdk.CreateDatabaseCommand({
    DatabaseInput: { Name: DATABASE, Description: "created by the JS SDK smoke test" } }));
  await expectError(() => glue.send(new sdk.CreateDatabaseCommand({
    DatabaseInput: { Name: DATABASE } })), ["AlreadyExistsException"], "CreateDatabase twice");
  const database = await glue.send(new sdk.GetDatabaseCommand({ Name: DATABASE }));
  checkEqual(database.Database.Name, DATABASE, "GetDatabase Name");
  step("CreateDatabase (and AlreadyExistsException), GetDatabase");

  await glue.send(new sdk.CreateTableCommand({
    DatabaseName: DATABASE,
    TableInput: {
      Name: "sales", TableType: "EXTERNAL_TABLE", Parameters: { classification: "csv" },
      StorageDescriptor: csvStorage(SALES_COLUMNS, `s3://${BUCKET}/sales/`),
    },
  }));
  await glue.send(new sdk.CreateTableCommand({
    DatabaseName: DATABASE,
    TableInput: {
      Name: "events", TableType: "EXTERNAL_TABLE",
      PartitionKeys: [{ Name: "region", Type: "string" }],
      StorageDescriptor: csvStorage(EVENT_COLUMNS, `s3://${BUCKET}/events/`),
    },
  }));
  const partitions = await glue.send(new sdk.BatchCreatePartitionCommand({
    DatabaseName: DATABASE, TableName: "events",
    PartitionInputList: Object.keys(REGIONS).map((region) => ({
      Values: [region],
      StorageDescriptor: csvStorage(EVENT_COLUMNS, `s3://${BUCKET}/events/region=${region}/`),
    })),
  }));
  checkEqual(partitions.Errors || [], [], "BatchCreatePartition Errors");
  step("CreateTable (CSV over sales/, partitioned events/), BatchCreatePartition");
}

async function readTables(glue, sdk) {
  const { Table: sales } = await glue.send(new sdk.GetTableCommand({
    DatabaseName: DATABASE, Name: "sales" }));
  checkEqual([sales.Name, sales.DatabaseName, sales.TableType],
             ["sales", DATABASE, "EXTERNAL_TABLE"], "GetTable name, database, type");
  checkEqual(sales.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]),
             SALES_COLUMNS.map((c) => [c.Name, c.Type]), "GetTable columns");
  checkEqual([sales.StorageDescriptor.Location, sales.StorageDescriptor.SerdeInfo],
             [`s3://${BUCKET}/sales/`,
              { SerializationLibrary: LAZY_SIMPLE, Parameters: { "field.delim": "," } }],
             "GetTable location and SerDe");
  checkEqual(sales.Parameters.classification, "csv", "GetTable Parameters");
  check(sales.CreateTime instanceof Date && !isNaN(sales.CreateTime),
        "GetTable CreateTime is not a date", sales.CreateTime);
  await expectError(() => glue.send(new sdk.GetTableCommand({
    DatabaseName: DATABASE, Name: "no_such_table" })), ["EntityNotFoundException"],
  "GetTable of a missing table");
  step("GetTable (and EntityNotFoundException)");

  const names = [];
  let token;
  let pages = 0;
  do {
    const page = await glue.send(new sdk.GetTablesCommand({
      DatabaseName: DATABASE, MaxResults: 1, NextToken: token }));
    pages++;
    names.push(...page.TableList.map((t) => t.Name));
    token = page.NextToken;
  } while (token && pages < 10);
  checkEqual(names.sort(), ["events", "sales"], "GetTables (MaxResults=1, NextToken) names");
  check(pages >= 2, "GetTables with MaxResults=1 returned one page for two tables", pages);
  const all = await glue.send(new sdk.GetTablesCommand({ DatabaseName: DATABASE }));
  const events = all.TableList.find((t) => t.Name === "events");
  checkEqual(events && events.PartitionKeys, [{ Name: "region", Type: "string" }],
             "GetTables events PartitionKeys");
  step("GetTables with paging");
}

async function readPartitions(glue, sdk) {
  const all = await glue.send(new sdk.GetPartitionsCommand({
    DatabaseName: DATABASE, TableName: "events" }));
  checkEqual(all.Partitions.map((p) => [p.Values, p.StorageDescriptor.Location]).sort(),
             Object.keys(REGIONS).map((r) => [[r], `s3://${BUCKET}/events/region=${r}/`]),
             "GetPartitions values and locations");
  const eu = await glue.send(new sdk.GetPartitionsCommand({
    DatabaseName: DATABASE, TableName: "events", Expression: "region = 'eu'" }));
  checkEqual(eu.Partitions.map((p) => p.Values), [["eu"]], "GetPartitions region = 'eu'");
  await expectError(() => glue.send(new sdk.GetPartitionsCommand({
    DatabaseName: DATABASE, TableName: "no_such_table" })), ["EntityNotFoundException"],
  "GetPartitions of a missing table");
  step("GetPartitions (all, with an expression, missing table)");
}

export async function runGlue(glue, sdk) {
  await createCatalog(glue, sdk);
  await readTables(glue, sdk);
  await readPartitions(glue, sdk);
}
