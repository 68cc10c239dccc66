// athena.mjs: the Athena part of the JS SDK smoke test. It queries the
// tables glue.mjs cataloged over the files s3.mjs wrote, the way an
// application does: StartQueryExecution with ExecutionParameters, polling
// GetQueryExecution, GetQueryResults page by page with NextToken, then
// StopQueryExecution on a query that would run for hours, ListWorkGroups,
// and the errors the SDK must surface (a FAILED query with its reason, an
// unknown workgroup as InvalidRequestException).

import { BUCKET, REGIONS } from "./s3.mjs";
import { DATABASE } from "./glue.mjs";
import { check, checkEqual, expectError, fail, sleep, step } from "./lib.mjs";

const OUTPUT = `s3://${BUCKET}/results/`;
const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];

async function start(athena, sdk, sql, params, extra = {}) {
  const started = await athena.send(new sdk.StartQueryExecutionCommand({
    QueryString: sql, ExecutionParameters: params,
    QueryExecutionContext: { Database: DATABASE },
    ResultConfiguration: { OutputLocation: OUTPUT }, ...extra }));
  check(/^[0-9a-f-]{36}$/.test(started.QueryExecutionId || ""),
        "StartQueryExecution QueryExecutionId is not a UUID", started.QueryExecutionId);
  return started.QueryExecutionId;
}

/** Polls GetQueryExecution until the query reaches one of states. */
async function waitFor(athena, sdk, id, states = TERMINAL, timeoutMs = 120000) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const { QueryExecution: qe } = await athena.send(
      new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }));
    if (states.includes(qe.Status.State)) return qe;
    if (Date.now() > deadline) fail(`query ${id} state after ${timeoutMs} ms`, states, qe.Status);
    await sleep(delay);
  }
}

async function succeeded(athena, sdk, sql, params) {
  const qe = await waitFor(athena, sdk, await start(athena, sdk, sql, params));
  checkEqual(qe.Status.State, "SUCCEEDED",
             `state of ${sql} (reason: ${qe.Status.StateChangeReason})`);
  return qe;
}

/** Every page of GetQueryResults, following NextToken. */
async function resultPages(athena, sdk, id) {
  const pages = [];
  let token;
  do {
    const page = await athena.send(new sdk.GetQueryResultsCommand({
      QueryExecutionId: id, NextToken: token }));
    pages.push(page);
    token = page.NextToken;
  } while (token && pages.length < 100);
  return pages;
}

const textOf = (row) => row.Data.map((d) => d.VarCharValue);

async function queryWithParameters(athena, sdk, rows) {
  const sql = "SELECT id, name, amount FROM sales WHERE category = ? AND id <= ? ORDER BY id";
  const params = ["'books'", "6000"];
  const qe = await succeeded(athena, sdk, sql, params);
  checkEqual([qe.Query, qe.ExecutionParameters, qe.QueryExecutionContext.Database, qe.WorkGroup],
             [sql, params, DATABASE, "primary"], "GetQueryExecution echoes the request");
  checkEqual(qe.ResultConfiguration.OutputLocation, `${OUTPUT}${qe.QueryExecutionId}.csv`,
             "GetQueryExecution OutputLocation");
  check(qe.Status.SubmissionDateTime instanceof Date &&
        qe.Status.CompletionDateTime >= qe.Status.SubmissionDateTime,
        "GetQueryExecution submission/completion times", qe.Status);

  const expected = rows.big.filter(([id, , category]) => category === "books" && id <= 6000)
    .map(([id, name, , amount]) => [String(id), name, String(amount)]);
  check(expected.length > 1000, "test data: the parameterized query needs > 1000 rows",
        expected.length);
  const pages = await resultPages(athena, sdk, qe.QueryExecutionId);
  checkEqual(pages.map((p) => p.ResultSet.Rows.length),
             [1000, expected.length + 1 - 1000], "GetQueryResults page sizes");
  for (const page of pages) {
    checkEqual(page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => [c.Name, c.Type]),
               [["id", "integer"], ["name", "varchar"], ["amount", "bigint"]],
               "GetQueryResults ColumnInfo");
  }
  const got = pages.flatMap((p) => p.ResultSet.Rows.map(textOf));
  checkEqual(got[0], ["id", "name", "amount"], "GetQueryResults header row");
  checkEqual(got.slice(1), expected, "GetQueryResults rows over two pages");
  const viaPaginator = [];
  for await (const page of sdk.paginateGetQueryResults(
    { client: athena, pageSize: 600 }, { QueryExecutionId: qe.QueryExecutionId })) {
    viaPaginator.push(...page.ResultSet.Rows.map(textOf));
  }
  checkEqual(viaPaginator, got, "paginateGetQueryResults (pageSize 600) rows");
  step(`StartQueryExecution with ExecutionParameters, GetQueryResults: ${expected.length} ` +
       `rows in ${pages.length} pages`);

  const quoted = await succeeded(athena, sdk, "SELECT id, amount FROM sales WHERE name = ?",
                                 ["'o''hare'"]);
  const [page] = await resultPages(athena, sdk, quoted.QueryExecutionId);
  checkEqual(page.ResultSet.Rows.map(textOf), [["id", "amount"], [String(rows.small[0][0]), "42"]],
             "a quoted string parameter ('o''hare') from the small file");
  step("a string parameter with a quote");

  // The result file is an S3 object: smoke.mjs reads it back through S3.
  return { key: `results/${qe.QueryExecutionId}.csv`, lines: expected.length + 1 };
}

async function aggregates(athena, sdk, rows) {
  const all = rows.big.concat(rows.small);
  const totals = await succeeded(athena, sdk,
                                 "SELECT count(*) AS n, sum(amount) AS total FROM sales");
  const [page] = await resultPages(athena, sdk, totals.QueryExecutionId);
  checkEqual(page.ResultSet.Rows.map(textOf),
             [["n", "total"], [String(all.length), String(all.reduce((s, r) => s + r[3], 0))]],
             "count and sum over both sales files");

  const byRegion = await succeeded(athena, sdk,
    "SELECT region, count(*) AS n, sum(value) AS total FROM events GROUP BY region ORDER BY 1");
  const [regions] = await resultPages(athena, sdk, byRegion.QueryExecutionId);
  checkEqual(regions.ResultSet.Rows.map(textOf), [["region", "n", "total"]].concat(
    Object.entries(REGIONS).map(([region, days]) =>
      [region, String(days.length), String(days.reduce((s, d) => s + d[1], 0))])),
  "per-partition count and sum over the partitioned table");
  step("aggregates over the CSV table and the partitioned table");
}

async function stopQuery(athena, sdk) {
  const id = await start(athena, sdk,
    "SELECT count(*) FROM sales a CROSS JOIN sales b CROSS JOIN sales c");
  await waitFor(athena, sdk, id, ["RUNNING", ...TERMINAL]);
  await athena.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: id }));
  const qe = await waitFor(athena, sdk, id, TERMINAL, 15000);
  checkEqual(qe.Status.State, "CANCELLED", "state after StopQueryExecution");
  await expectError(() => athena.send(new sdk.GetQueryResultsCommand({ QueryExecutionId: id })),
                    ["InvalidRequestException"], "GetQueryResults of a cancelled query");
  step("StopQueryExecution cancels a running query");
}

async function errors(athena, sdk) {
  const bad = await waitFor(athena, sdk, await start(athena, sdk, "SELEC 1 FROM sales"));
  checkEqual(bad.Status.State, "FAILED", "state of bad SQL");
  check(bad.Status.StateChangeReason, "a FAILED query without StateChangeReason", bad.Status);
  check(bad.Status.AthenaError && bad.Status.AthenaError.ErrorMessage,
        "a FAILED query without AthenaError.ErrorMessage", bad.Status);
  await expectError(() => athena.send(new sdk.GetQueryResultsCommand({
    QueryExecutionId: bad.QueryExecutionId })), ["InvalidRequestException"],
  "GetQueryResults of a FAILED query");
  step(`bad SQL -> FAILED (${bad.Status.StateChangeReason.split("\n")[0].slice(0, 80)})`);

  const err = await expectError(
    () => start(athena, sdk, "SELECT 1", undefined, { WorkGroup: "no-such-workgroup" }),
    ["InvalidRequestException"], "StartQueryExecution in an unknown workgroup");
  check(err instanceof sdk.InvalidRequestException,
        "the unknown-workgroup error is not the SDK's InvalidRequestException class");
  checkEqual(err.$metadata.httpStatusCode, 400, "unknown workgroup HTTP status");
  check(err.message && err.message.includes("no-such-workgroup"),
        "the unknown-workgroup message does not name it", err.message);
  step("unknown workgroup -> InvalidRequestException");
}

export async function runAthena(athena, sdk, rows) {
  const groups = await athena.send(new sdk.ListWorkGroupsCommand({}));
  check(groups.WorkGroups.some((g) => g.Name === "primary" && g.State === "ENABLED"),
        "ListWorkGroups lacks an ENABLED primary", groups.WorkGroups);
  step("ListWorkGroups");
  const result = await queryWithParameters(athena, sdk, rows);
  await aggregates(athena, sdk, rows);
  await stopQuery(athena, sdk);
  await errors(athena, sdk);
  return result;
}
