// s3.mjs: the S3 part of the JS SDK smoke test. It lays out the data the
// Glue and Athena parts query, through the SDK exactly as an application
// would, and checks what the SDK reads back:
//
//   BUCKET/sales/part-0000.csv       multi-MB, streamed: the SDK sends it
//                                    aws-chunked with a CRC32 trailer
//   BUCKET/sales/part-0001.csv       small string body, CRC32 header
//   BUCKET/events/region=R/data.csv  one small file per partition
//
// plus a wrong CRC32 (BadDigest), CreateBucket, ListObjectsV2 (prefix,
// delimiter, continuation), ranged and full GetObject (the SDK asks for and
// validates the stored CRC32), HeadObject, CopyObject (CopySource encoded
// either way) and DeleteObjects. A recorder on the client checks that the
// SDK really sent what each step is about (headers as signed and sent).

import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";

import { check, checkEqual, expectError, fail, seededRandom, step } from "./lib.mjs";

export const BUCKET = "js-sdk-data";
export const CATEGORIES = ["books", "games", "music", "tools"];
export const BIG_ROWS = 60000;
export const REGIONS = { eu: [["2024-01-01", 5], ["2024-01-02", 7]],
                         us: [["2024-01-01", 11], ["2024-01-02", 13], ["2024-01-03", 17]] };

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** The sales rows [id, name, category, amount]: BIG_ROWS in the big file,
 * a few in the small one (one name with a quote, for parameter binding). */
export function salesRows() {
  const random = seededRandom(20240101);
  const big = [];
  for (let id = 1; id <= BIG_ROWS; id++) {
    let note = "";
    for (let i = 0; i < 64; i++) note += LETTERS[Math.floor(random() * LETTERS.length)];
    big.push([id, `item-${id}-${note}`, CATEGORIES[Math.floor(random() * 4)],
              Math.floor(random() * 100000)]);
  }
  const small = [[BIG_ROWS + 1, "o'hare", "books", 42], [BIG_ROWS + 2, "plain", "tools", 7],
                 [BIG_ROWS + 3, "last", "music", 1]];
  return { big, small };
}

function csv(rows) {
  return rows.map((row) => row.join(",")).join("\n") + "\n";
}

function md5Hex(data) {
  return createHash("md5").update(data).digest("hex");
}

function crc32Base64(data) {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString("base64");
}

/** A Readable of data in 64 KiB pieces: a body of unknown content to the
 * SDK, so it must stream it (aws-chunked, checksum in a trailer). */
function streamOf(data) {
  const pieces = [];
  for (let at = 0; at < data.length; at += 65536) pieces.push(data.subarray(at, at + 65536));
  return Readable.from(pieces);
}

/** Records the headers each S3 request went out with (signed, as sent), so
 * that the test knows the SDK really used the encoding it means to test. */
function recordWireHeaders(s3) {
  const sent = new Map();
  s3.middlewareStack.add((next, context) => async (args) => {
    sent.set(`${context.commandName} ${args.input.Key}`, { ...args.request.headers });
    return next(args);
  }, { step: "deserialize", name: "recordWireHeaders", priority: "low" });
  return sent;
}

function checkWire(sent, command, key, expected, what) {
  const headers = sent.get(`${command} ${key}`) || {};
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, value] of Object.entries(expected)) {
    const ok = value instanceof RegExp ? value.test(lower[name] || "") : lower[name] === value;
    if (!ok) fail(`${what}: request header ${name}`, value, lower[name]);
  }
}

async function bytesOf(body) {
  return Buffer.from(await body.transformToByteArray());
}

async function putObjects(s3, sdk, data) {
  const sent = data.sent;
  const small = await s3.send(new sdk.PutObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0001.csv", Body: data.small.toString("utf8"),
    ContentType: "text/csv", Metadata: { source: "js-sdk" } }));
  checkEqual(small.ETag, `"${md5Hex(data.small)}"`, "PutObject (small) ETag");
  checkEqual(small.ChecksumCRC32, crc32Base64(data.small), "PutObject (small) ChecksumCRC32");
  checkWire(sent, "PutObjectCommand", "sales/part-0001.csv",
            { "x-amz-checksum-crc32": crc32Base64(data.small) }, "PutObject (small)");
  step(`PutObject small body (${data.small.length} bytes, CRC32 header)`);

  const big = await s3.send(new sdk.PutObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0000.csv", Body: streamOf(data.big),
    ContentLength: data.big.length, ContentType: "text/csv" }));
  checkEqual(big.ETag, `"${md5Hex(data.big)}"`, "PutObject (streamed) ETag");
  checkEqual(big.ChecksumCRC32, crc32Base64(data.big), "PutObject (streamed) ChecksumCRC32");
  checkWire(sent, "PutObjectCommand", "sales/part-0000.csv", {
    "content-encoding": /(^|,\s*)aws-chunked(\s*,|$)/, "x-amz-trailer": "x-amz-checksum-crc32",
    "x-amz-content-sha256": /^STREAMING-/, "x-amz-decoded-content-length": String(data.big.length),
  }, "PutObject (streamed)");
  step(`PutObject streamed body (${data.big.length} bytes, aws-chunked with CRC32 trailer)`);

  await expectError(() => s3.send(new sdk.PutObjectCommand({
    Bucket: BUCKET, Key: "sales/corrupt.csv", Body: "1,x,books,1\n", ChecksumCRC32: "AAAAAA==" })),
  ["BadDigest"], "PutObject with a wrong ChecksumCRC32");
  await expectError(() => s3.send(new sdk.HeadObjectCommand({
    Bucket: BUCKET, Key: "sales/corrupt.csv" })), ["NotFound"], "HeadObject after a BadDigest");
  step("PutObject with a wrong CRC32 -> BadDigest, nothing written");

  for (const [region, rows] of Object.entries(REGIONS)) {
    await s3.send(new sdk.PutObjectCommand({
      Bucket: BUCKET, Key: `events/region=${region}/data.csv`, Body: Buffer.from(csv(rows)) }));
  }
  step("PutObject buffer bodies for the partitions");
}

async function listObjects(s3, sdk, data) {
  const folders = await s3.send(new sdk.ListObjectsV2Command({
    Bucket: BUCKET, Prefix: "events/", Delimiter: "/" }));
  checkEqual((folders.CommonPrefixes || []).map((p) => p.Prefix),
             ["events/region=eu/", "events/region=us/"], "ListObjectsV2 events/ CommonPrefixes");
  checkEqual(folders.Contents, undefined, "ListObjectsV2 events/ Contents");
  checkEqual(folders.KeyCount, 2, "ListObjectsV2 events/ KeyCount");

  const top = await s3.send(new sdk.ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/" }));
  checkEqual(top.CommonPrefixes.map((p) => p.Prefix), ["events/", "sales/"],
             "ListObjectsV2 top-level CommonPrefixes");

  const keys = [];
  let token;
  let pages = 0;
  do {
    const page = await s3.send(new sdk.ListObjectsV2Command({
      Bucket: BUCKET, Prefix: "sales/", MaxKeys: 1, ContinuationToken: token }));
    pages++;
    for (const object of page.Contents || []) keys.push([object.Key, object.Size, object.ETag]);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    check(!page.IsTruncated || token, "ListObjectsV2 truncated without NextContinuationToken");
  } while (token && pages < 10);
  checkEqual(keys, [["sales/part-0000.csv", data.big.length, `"${md5Hex(data.big)}"`],
                    ["sales/part-0001.csv", data.small.length, `"${md5Hex(data.small)}"`]],
             "ListObjectsV2 sales/ (MaxKeys=1, continuation) keys, sizes, ETags");
  checkEqual(pages, 2, "ListObjectsV2 sales/ pages with MaxKeys=1");
  step("ListObjectsV2 with prefix, delimiter and continuation");
}

async function getObjects(s3, sdk, data) {
  const ranged = await s3.send(new sdk.GetObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0000.csv", Range: "bytes=1000-1999" }));
  checkEqual(ranged.$metadata.httpStatusCode, 206, "GetObject Range status");
  checkEqual(ranged.ContentRange, `bytes 1000-1999/${data.big.length}`, "GetObject ContentRange");
  checkEqual(ranged.ContentLength, 1000, "GetObject Range ContentLength");
  check((await bytesOf(ranged.Body)).equals(data.big.subarray(1000, 2000)),
        "GetObject bytes=1000-1999 returned other bytes");

  const tail = await s3.send(new sdk.GetObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0001.csv", Range: "bytes=-5" }));
  check((await bytesOf(tail.Body)).equals(data.small.subarray(data.small.length - 5)),
        "GetObject bytes=-5 returned other bytes");

  const whole = await s3.send(new sdk.GetObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0000.csv" }));
  const body = await bytesOf(whole.Body);   // the SDK checks the CRC32 as it reads
  check(body.equals(data.big), "GetObject returned other bytes than were put",
        { length: body.length, expected: data.big.length });
  checkEqual(whole.ChecksumCRC32, crc32Base64(data.big), "GetObject ChecksumCRC32");
  checkWire(data.sent, "GetObjectCommand", "sales/part-0000.csv",
            { "x-amz-checksum-mode": "ENABLED" }, "GetObject");
  step("GetObject with Range (206, Content-Range), suffix range, full body with CRC32");

  const head = await s3.send(new sdk.HeadObjectCommand({
    Bucket: BUCKET, Key: "sales/part-0001.csv" }));
  checkEqual([head.ContentLength, head.ContentType, head.ETag, head.Metadata],
             [data.small.length, "text/csv", `"${md5Hex(data.small)}"`, { source: "js-sdk" }],
             "HeadObject length, type, ETag, metadata");
  check(head.LastModified instanceof Date && !isNaN(head.LastModified),
        "HeadObject LastModified is not a date", head.LastModified);
  await expectError(() => s3.send(new sdk.HeadObjectCommand({
    Bucket: BUCKET, Key: "sales/missing.csv" })), ["NotFound"], "HeadObject of a missing key");
  await expectError(() => s3.send(new sdk.GetObjectCommand({
    Bucket: BUCKET, Key: "sales/missing.csv" })), ["NoSuchKey"], "GetObject of a missing key");
  step("HeadObject (and NotFound / NoSuchKey for a missing key)");
}

async function copyAndDelete(s3, sdk, data) {
  const copied = await s3.send(new sdk.CopyObjectCommand({
    Bucket: BUCKET, Key: "copies/part-0001.csv",
    CopySource: `${BUCKET}/sales/part-0001.csv` }));
  checkEqual(copied.CopyObjectResult.ETag, `"${md5Hex(data.small)}"`, "CopyObject ETag");
  const head = await s3.send(new sdk.HeadObjectCommand({
    Bucket: BUCKET, Key: "copies/part-0001.csv" }));
  checkEqual([head.ContentLength, head.ContentType, head.Metadata],
             [data.small.length, "text/csv", { source: "js-sdk" }],
             "HeadObject of the copy (metadata copied)");
  const got = await s3.send(new sdk.GetObjectCommand({
    Bucket: BUCKET, Key: "copies/part-0001.csv" }));
  check((await bytesOf(got.Body)).equals(data.small), "the copy has other bytes");
  // JavaScript code often encodes the whole CopySource, '/' included.
  const odd = "copies/with space+plus é.csv";
  const encoded = await s3.send(new sdk.CopyObjectCommand({
    Bucket: BUCKET, Key: odd, CopySource: encodeURIComponent(`${BUCKET}/copies/part-0001.csv`) }));
  checkEqual(encoded.CopyObjectResult.ETag, `"${md5Hex(data.small)}"`,
             "CopyObject with encodeURIComponent(bucket/key) ETag");
  const back = await s3.send(new sdk.CopyObjectCommand({
    Bucket: BUCKET, Key: "copies/back.csv", CopySource: `${BUCKET}/${encodeURIComponent(odd)}` }));
  checkEqual(back.CopyObjectResult.ETag, `"${md5Hex(data.small)}"`,
             "CopyObject from a key with a space, '+' and 'é'");
  step("CopyObject (plain, encoded as a whole, special characters)");

  const keys = ["copies/part-0001.csv", odd, "copies/back.csv", "copies/never-existed.csv"];
  const deleted = await s3.send(new sdk.DeleteObjectsCommand({
    Bucket: BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  checkEqual((deleted.Deleted || []).map((d) => d.Key).sort(), [...keys].sort(),
             "DeleteObjects Deleted");
  checkEqual(deleted.Errors, undefined, "DeleteObjects Errors");
  const left = await s3.send(new sdk.ListObjectsV2Command({ Bucket: BUCKET, Prefix: "copies/" }));
  checkEqual(left.KeyCount, 0, "ListObjectsV2 copies/ after DeleteObjects");
  await expectError(() => s3.send(new sdk.HeadObjectCommand({
    Bucket: BUCKET, Key: "copies/part-0001.csv" })), ["NotFound"], "HeadObject after delete");
  step("DeleteObjects (existing and missing key)");
}

/** Creates the bucket and the data files; returns the rows they hold. */
export async function runS3(s3, sdk) {
  const created = await s3.send(new sdk.CreateBucketCommand({ Bucket: BUCKET }));
  checkEqual(created.$metadata.httpStatusCode, 200, "CreateBucket status");
  const buckets = await s3.send(new sdk.ListBucketsCommand({}));
  check(buckets.Buckets.some((b) => b.Name === BUCKET), "ListBuckets lacks the new bucket",
        buckets.Buckets);
  step("CreateBucket, ListBuckets");

  const rows = salesRows();
  const data = { big: Buffer.from(csv(rows.big)), small: Buffer.from(csv(rows.small)),
                 sent: recordWireHeaders(s3) };
  check(data.big.length > 5 * 1024 * 1024, "the big body is not multi-MB", data.big.length);
  await putObjects(s3, sdk, data);
  await listObjects(s3, sdk, data);
  await getObjects(s3, sdk, data);
  await copyAndDelete(s3, sdk, data);
  return rows;
}
