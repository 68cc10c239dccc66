// smoke.mjs: athena-local driven by the unmodified AWS SDK for JavaScript v3
// (@aws-sdk/client-s3, -glue, -athena at the versions pinned in
// package.json). tests/integration/test_local_js_sdk.py runs it against a
// fresh server; by hand:
//
//   ATHENA_LOCAL_ENDPOINT=http://127.0.0.1:PORT AWS_REGION=us-east-1 \
//   AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... node tests/js/smoke.mjs
//
// The parts run in order on one fresh data dir: S3 writes the data
// (s3.mjs), Glue catalogs it (glue.mjs), Athena queries it (athena.mjs);
// then the query's result file is read back through S3, and requests signed
// with a wrong secret or an unknown key must fail with the SDK's own error
// names. Exit status 0 means every check passed; otherwise the first
// mismatch is printed and the status is 1.

import { runAthena } from "./athena.mjs";
import { runGlue } from "./glue.mjs";
import { BUCKET, runS3 } from "./s3.mjs";
import {
  Mismatch, checkEqual, destroyClients, expectError, loadSdk, makeClients, settings, step,
} from "./lib.mjs";

async function resultFileThroughS3(s3, sdk, result) {
  const got = await s3.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key: result.key }));
  const text = await got.Body.transformToString();
  const lines = text.split("\n").filter((line) => line !== "");
  checkEqual(lines[0], '"id","name","amount"', "the result file's header line");
  checkEqual(lines.length, result.lines, "the result file's line count");
  step("the query's result file read through S3");
}

/** Every service must refuse a request signed with a wrong secret, and one
 * with a key it does not know, with AWS's error names. */
async function badCredentials(sdk, where, goodKeyId) {
  const cases = [
    { what: "a wrong secret",
      credentials: { accessKeyId: goodKeyId, secretAccessKey: "not-the-right-secret-00000000000" },
      s3: ["SignatureDoesNotMatch"], json: ["InvalidSignatureException"] },
    { what: "an unknown access key",
      credentials: { accessKeyId: "AKIAJSSDKUNKNOWNKEY0", secretAccessKey: "any-secret-000000000" },
      s3: ["InvalidAccessKeyId"], json: ["UnrecognizedClientException"] },
  ];
  for (const c of cases) {
    const clients = makeClients(sdk, where, c.credentials);
    try {
      const s3Error = await expectError(() => clients.s3.send(new sdk.s3.ListObjectsV2Command({
        Bucket: BUCKET })), c.s3, `S3 ListObjectsV2 with ${c.what}`);
      checkEqual(s3Error.$metadata.httpStatusCode, 403, `S3 status with ${c.what}`);
      await expectError(() => clients.s3.send(new sdk.s3.PutObjectCommand({
        Bucket: BUCKET, Key: "sales/forged.csv", Body: "1,forged,books,1\n" })), c.s3,
      `S3 PutObject with ${c.what}`);
      const athenaError = await expectError(() => clients.athena.send(
        new sdk.athena.ListWorkGroupsCommand({})), c.json, `Athena ListWorkGroups with ${c.what}`);
      checkEqual(athenaError.$metadata.httpStatusCode, c.json[0] === "InvalidSignatureException"
        ? 403 : 400, `Athena status with ${c.what}`);
      await expectError(() => clients.glue.send(new sdk.glue.GetDatabasesCommand({})), c.json,
                        `Glue GetDatabases with ${c.what}`);
    } finally {
      destroyClients(clients);
    }
    step(`${c.what} -> ${c.s3[0]} (S3), ${c.json[0]} (Athena, Glue)`);
  }
}

async function main() {
  const sdk = loadSdk();
  const where = settings();
  const clients = makeClients(sdk, where);
  try {
    const credentials = await clients.athena.config.credentials();
    const rows = await runS3(clients.s3, sdk.s3);
    await runGlue(clients.glue, sdk.glue);
    const result = await runAthena(clients.athena, sdk.athena, rows);
    await resultFileThroughS3(clients.s3, sdk.s3, result);
    await badCredentials(sdk, where, credentials.accessKeyId);
    const forged = await clients.s3.send(new sdk.s3.ListObjectsV2Command({
      Bucket: BUCKET, Prefix: "sales/forged" }));
    checkEqual(forged.KeyCount, 0, "objects written with bad credentials");
  } finally {
    destroyClients(clients);
  }
  console.log("js-sdk smoke test passed");
}

main().catch((err) => {
  if (err instanceof Mismatch) {
    console.error(`FAIL ${err.message}`);
  } else {
    // An unexpected SDK error: its name, HTTP status and request id say
    // which call the server answered wrongly.
    const meta = err.$metadata || {};
    console.error(`FAIL unexpected ${err.name}: ${err.message}` +
                  (meta.httpStatusCode ? ` (HTTP ${meta.httpStatusCode})` : ""));
    console.error(err.stack);
  }
  process.exitCode = 1;
});
