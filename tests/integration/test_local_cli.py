# End-to-end tests of our `athena` CLI against athena-local: DDL and a
# join of the sample flights with the airports (an OpenCSVSerde table),
# exact csv and jsonl output, --param binding, status / results / history,
# Ctrl-C and --timeout cancelling a long query (checked with boto3).

import csv
import io
import json
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from local_fixtures import (  # noqa: E402
    DEMO_DDL, JOINED_AIRPORTS, DemoServerTest, find_query, long_query, stop_quietly, wait_for_query)

CLI_RESULTS = "s3://results/cli/"
SMALL_QUERY = ("SELECT 1 AS a, 'x,y' AS b, CAST(NULL AS varchar) AS c, ARRAY[1, 2] AS d,"
               " TIMESTAMP '2024-01-02 03:04:05' AS e, 1.5e0 AS f, true AS g,"
               " CAST(2.50 AS decimal(4,2)) AS h, 'say \"hi\"' AS i")
JOIN_QUERY = ("SELECT f.origin, a.name, a.city, count(*) AS flights, sum(f.delay) AS total_delay"
              " FROM flights f JOIN airports a ON f.origin = a.iata"
              " WHERE f.origin IN ('BTR', 'ORD', 'SFO')"
              " GROUP BY f.origin, a.name, a.city ORDER BY f.origin")


class CliAgainstLocalTest(DemoServerTest):

    def setUp(self):
        harness.require_athena(self)
        super().setUp()

    def env(self):
        return {"AWS_ACCESS_KEY_ID": self.srv.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
                "NO_PROXY": "127.0.0.1,localhost"}

    def args(self, *args):
        return [*args, "--endpoint-url", self.srv.url, "--region", "us-east-1",
                "--output-location", CLI_RESULTS]

    def athena_cli(self, *args, expect_rc=0, timeout=60):
        rc, out, err = harness.run_athena(self.args(*args), env=self.env(), timeout=timeout)
        if expect_rc is not None:
            self.assertEqual(rc, expect_rc, f"athena {args}: stdout {out!r} stderr {err!r}")
        return rc, out, err

    # ---- queries ----

    def test_ddl_then_join_with_csv_table(self):
        for sql in DEMO_DDL:
            # The demo DDL, into its own database (the data stays s3://demo/).
            self.athena_cli("query", sql.replace(" demo", " cli_db"))
        _, out, _ = self.athena_cli("query", "SHOW TABLES IN cli_db", "--output", "csv")
        self.assertEqual(out, "tab_name\nairports\nflights\n")
        _, out, _ = self.athena_cli("query", JOIN_QUERY, "--database", "cli_db",
                                    "--output", "csv")
        self.assertEqual(out, (
            "origin,name,city,flights,total_delay\n"
            'BTR,"Baton Rouge Metropolitan, Ryan",Baton Rouge,2824,19303\n'
            "ORD,Chicago O'Hare International,Chicago,166341,1542589\n"
            "SFO,San Francisco International,San Francisco,60869,373794\n"))
        # The same numbers as the sample data's facts (kept in one place).
        parsed = list(csv.reader(io.StringIO(out)))[1:]
        self.assertEqual(parsed, [[o, n, c, str(k), str(d)]
                                  for o, n, c, k, d, _ in JOINED_AIRPORTS])
        # Quoted fields of the CSV file come out unquoted, quotes undoubled.
        _, out, _ = self.athena_cli(
            "query", "SELECT iata, name FROM airports WHERE iata IN ('DBN', '35A') ORDER BY iata",
            "--database", "cli_db", "--output", "jsonl")
        self.assertEqual(out, '{"iata":"35A","name":"Union County, Troy Shelton"}\n'
                              '{"iata":"DBN","name":"W. H. \\"Bud\\" Barron"}\n')

    def test_csv_output_exact(self):
        _, out, err = self.athena_cli("query", SMALL_QUERY, "--output", "csv")
        self.assertEqual(out, 'a,b,c,d,e,f,g,h,i\n'
                              '1,"x,y",,"[1, 2]",2024-01-02 03:04:05.000,1.5,true,2.50,'
                              '"say ""hi"""\n')
        self.assertEqual(err, "")

    def test_jsonl_output_exact(self):
        _, out, _ = self.athena_cli("query", SMALL_QUERY, "--output", "jsonl")
        self.assertEqual(out, '{"a":1,"b":"x,y","c":null,"d":"[1, 2]",'
                              '"e":"2024-01-02 03:04:05.000","f":1.5,"g":true,"h":"2.50",'
                              '"i":"say \\"hi\\""}\n')
        self.assertEqual(json.loads(out)["i"], 'say "hi"')

    def test_params_are_bound(self):
        _, out, _ = self.athena_cli("query", "SELECT ? AS a, ? AS b", "--param", "'O''Hare'",
                                    "--param", "42", "--output", "csv")
        self.assertEqual(out, "a,b\nO'Hare,42\n")
        _, out, _ = self.athena_cli("query", "SELECT name FROM demo.airports WHERE iata = ?",
                                    "--param", "'ORD'", "--output", "csv")
        self.assertEqual(out, "name\nChicago O'Hare International\n")
        _, out, _ = self.athena_cli(
            "query", "SELECT count(*) AS n FROM demo.airports WHERE iata = ?",
            "--param", "'x'' OR 1=1 --'", "--output", "csv")
        self.assertEqual(out, "n\n0\n")

    def test_failed_query_exit_code(self):
        _, out, err = self.athena_cli("query", "SELECT * FROM demo.no_such_table", expect_rc=1)
        self.assertEqual(out, "")
        self.assertIn("FAILED", err)
        self.assertIn("no_such_table", err)

    # ---- status, results, history ----

    def test_status_results_and_history(self):
        sql = "SELECT 7 AS seven, 'x' AS s"
        self.athena_cli("query", sql, "--output", "csv")
        query_id = find_query(self.athena, sql)["QueryExecutionId"]

        _, out, _ = self.athena_cli("status", query_id)
        self.assertRegex(out, rf"(?m)^id +{query_id}$")
        self.assertRegex(out, r"(?m)^state +SUCCEEDED$")
        self.assertRegex(out, rf"(?m)^output +{CLI_RESULTS}{query_id}\.csv$")
        _, out, _ = self.athena_cli("status", query_id, "--output", "json")
        status = json.loads(out)
        self.assertEqual((status["QueryExecutionId"], status["State"], status["Query"],
                          status["OutputLocation"], status["DataScannedInBytes"]),
                         (query_id, "SUCCEEDED", sql, f"{CLI_RESULTS}{query_id}.csv", 0))

        _, out, _ = self.athena_cli("results", query_id, "--output", "csv")
        self.assertEqual(out, "seven,s\n7,x\n")
        _, out, _ = self.athena_cli("results", query_id, "--output", "jsonl")
        self.assertEqual(out, '{"seven":7,"s":"x"}\n')

        _, out, _ = self.athena_cli("history", "--output", "csv")
        rows = list(csv.reader(io.StringIO(out)))
        self.assertEqual(rows[0], ["query_execution_id", "state", "submitted",
                                   "data_scanned_bytes", "total_ms", "statement_type", "query"])
        mine = [r for r in rows[1:] if r[0] == query_id]
        self.assertEqual(len(mine), 1, out)
        self.assertEqual((mine[0][1], mine[0][3], mine[0][5], mine[0][6]),
                         ("SUCCEEDED", "0", "DML", sql))
        # Newest first, as ListQueryExecutions gives them.
        listed = self.athena.list_query_executions(WorkGroup="primary")["QueryExecutionIds"]
        self.assertEqual([r[0] for r in rows[1:]], listed[:len(rows) - 1])

    def test_unknown_query_id(self):
        rc, _, err = self.athena_cli("status", "11111111-2222-4333-8444-555555555555",
                                     expect_rc=None)
        self.assertNotEqual(rc, 0)
        self.assertIn("11111111-2222-4333-8444-555555555555", err)

    # ---- cancellation ----

    def test_ctrl_c_cancels_the_query(self):
        sql = long_query("ctrl_c")
        with harness.spawn_athena(self.args("query", sql), env=self.env()) as proc:
            qe = wait_for_query(self.athena, find_query(self.athena, sql)["QueryExecutionId"],
                                30, states=("RUNNING",))
            self.addCleanup(stop_quietly, self.athena, qe["QueryExecutionId"])
            time.sleep(0.3)
            self.assertTrue(proc.running(), proc.output())
            proc.send_signal(signal.SIGINT)
            rc, out, err = proc.wait(30)
        self.assertEqual(rc, 130, err)
        self.assertEqual(out, "")
        final = wait_for_query(self.athena, qe["QueryExecutionId"], 10)
        self.assertEqual(final["Status"]["State"], "CANCELLED")

    def test_timeout_cancels_the_query(self):
        sql = long_query("timed_out")
        started = time.monotonic()
        _, out, err = self.athena_cli("query", sql, "--timeout", "1", expect_rc=1)
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(out, "")
        self.assertIn("cancel", err)
        qe = find_query(self.athena, sql)
        self.addCleanup(stop_quietly, self.athena, qe["QueryExecutionId"])
        final = wait_for_query(self.athena, qe["QueryExecutionId"], 10)
        self.assertEqual(final["Status"]["State"], "CANCELLED")


if __name__ == "__main__":
    unittest.main()
