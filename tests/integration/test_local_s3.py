# End-to-end tests of athena-local's S3 API with unmodified clients: boto3
# (objects, listings and their pagination, ranges, conditional requests,
# copies, deletes, multipart uploads, checksums, aws-chunked bodies signed
# and unsigned, presigned URLs, virtual-host addressing, refused keys) and
# the AWS CLI v1 and v2 (mb, ls, cp of a 20 MB file through multipart and
# back, get-object with a range), each from a clean HOME with only the keys
# in its environment. Also: a query's result file read through GetObject
# equals what GetQueryResults returns, and an object PUT under a table's
# LOCATION is counted by the next SELECT.
#
# One server serves the whole module; each test uses its own bucket.

import base64
import csv
import datetime
import filecmp
import hashlib
import hmac
import io
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zlib

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_fixtures import error_of, query_rows, run_query  # noqa: E402
from local_harness import athena_local  # noqa: E402

V2_PATH = "/usr/bin/aws"
MIB = 1024 * 1024
SERVER = None
_CONTEXT = None


def setUpModule():
    global SERVER, _CONTEXT
    _CONTEXT = athena_local()
    SERVER = _CONTEXT.__enter__()


def tearDownModule():
    _CONTEXT.__exit__(None, None, None)


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def files_outside_s3(root, data_dir, marker):
    """Files under root (but not under DATA/s3) whose content holds marker."""
    s3_root = os.path.join(data_dir, "s3") + os.sep
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            if path.startswith(s3_root) or not os.path.isfile(path):
                continue
            try:
                with open(path, "rb") as f:
                    if marker in f.read():
                        found.append(path)
            except OSError:
                pass
    return found


class S3Test(unittest.TestCase):
    """A bucket of its own per test (named after the test), via boto3."""

    def setUp(self):
        self.srv = SERVER
        self.s3 = self.srv.client("s3")
        self.bucket = self.id().rsplit(".", 1)[-1].replace("_", "-")[:50] + "-bk"
        self.s3.create_bucket(Bucket=self.bucket)
        self.bucket_dir = os.path.join(self.srv.data_dir, "s3", self.bucket)

    def assert_error(self, call, code, status, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        got_code, message, got_status = error_of(cm.exception)
        self.assertEqual((got_code, got_status), (code, status), message)
        return cm.exception.response

    def put(self, key, body=b"x", **kwargs):
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, **kwargs)

    def get(self, key, **kwargs):
        return self.s3.get_object(Bucket=self.bucket, Key=key, **kwargs)

    def keys(self, **kwargs):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, **kwargs)
                .get("Contents", [])]

    def leftovers(self):
        """Every file in the bucket folder, temp files included."""
        return sorted(os.path.relpath(os.path.join(d, n), self.bucket_dir)
                      for d, _, names in os.walk(self.bucket_dir) for n in names)

    def signed(self, method, path, headers=None, body=b"", host=None, payload=None):
        """Sends a request signed by botocore's S3 signer (x-amz-content-sha256 =
        payload when given); host overrides the Host header (virtual hosts)."""
        host = host or f"{self.srv.host}:{self.srv.port}"
        request = AWSRequest(method=method, url=f"http://{host}{path}", data=body,
                             headers=dict(headers or {}))

        class Signer(S3SigV4Auth):
            def payload(self, request):
                return payload or super().payload(request)

        Signer(self.srv.credentials(), "s3", self.srv.region).add_auth(request)
        sent = dict(request.headers.items())
        sent["Host"] = host
        return self.srv.raw_request(method, path, sent, body)


class BucketTest(S3Test):

    def test_bucket_lifecycle(self):
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertIn(self.bucket, names)
        self.assertEqual(names, sorted(names))
        head = self.s3.head_bucket(Bucket=self.bucket)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"],
                         "us-east-1")
        self.assert_error(self.s3.create_bucket, "BucketAlreadyOwnedByYou", 409,
                          Bucket=self.bucket)
        self.assert_error(self.s3.create_bucket, "InvalidBucketName", 400, Bucket="Bad_Name")
        self.assert_error(self.s3.head_bucket, "404", 404, Bucket="no-such-bucket-here")
        self.assert_error(self.s3.list_objects_v2, "NoSuchBucket", 404,
                          Bucket="no-such-bucket-here")
        self.assertIsNone(self.s3.get_bucket_location(Bucket=self.bucket)["LocationConstraint"])
        self.put("k")
        self.assert_error(self.s3.delete_bucket, "BucketNotEmpty", 409, Bucket=self.bucket)
        self.s3.delete_object(Bucket=self.bucket, Key="k")
        self.s3.delete_bucket(Bucket=self.bucket)
        self.assertFalse(os.path.exists(self.bucket_dir))
        self.assert_error(self.s3.delete_bucket, "NoSuchBucket", 404, Bucket=self.bucket)

    def test_create_with_location_constraint(self):
        self.s3.create_bucket(Bucket=self.bucket + "-2", CreateBucketConfiguration={
            "LocationConstraint": "us-east-1"})
        self.assertTrue(os.path.isdir(self.bucket_dir + "-2"))
        self.assert_error(self.s3.create_bucket, "IllegalLocationConstraintException", 400,
                          Bucket=self.bucket + "-3",
                          CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertFalse(os.path.exists(self.bucket_dir + "-3"))


class ObjectTest(S3Test):

    def test_put_get_head_with_metadata(self):
        body = os.urandom(1000)
        put = self.put("dir/obj.bin", body, ContentType="text/csv", Metadata={"origin": "test"})
        md5 = hashlib.md5(body).hexdigest()
        self.assertEqual(put["ETag"], f'"{md5}"')
        got = self.get("dir/obj.bin")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual((got["ContentType"], got["Metadata"], got["ETag"], got["ContentLength"]),
                         ("text/csv", {"origin": "test"}, f'"{md5}"', 1000))
        head = self.s3.head_object(Bucket=self.bucket, Key="dir/obj.bin")
        self.assertEqual((head["ContentLength"], head["ETag"], head["ContentType"]),
                         (1000, f'"{md5}"', "text/csv"))
        self.assertEqual(head["LastModified"], got["LastModified"])
        with open(os.path.join(self.bucket_dir, "dir", "obj.bin"), "rb") as f:
            self.assertEqual(f.read(), body)
        # Without a Content-Type, the default; a later PUT replaces the object.
        self.put("dir/obj.bin", b"second")
        got = self.get("dir/obj.bin")
        self.assertEqual((got["Body"].read(), got["ContentType"], got["Metadata"]),
                         (b"second", "application/octet-stream", {}))

    def test_missing_objects(self):
        self.assert_error(self.get, "NoSuchKey", 404, key="nothing/here")
        self.assert_error(self.s3.head_object, "404", 404, Bucket=self.bucket, Key="nothing")
        self.put("folder/inner")
        self.assert_error(self.get, "NoSuchKey", 404, key="folder")  # a prefix, not an object

    def test_unicode_and_spaces_in_keys(self):
        keys = ["unicodé/日本語 file.txt", "spaces in/a key+plus%25.txt", "tricky/&<>'\".txt",
                "%2e%2e/literal-dots"]
        for i, key in enumerate(keys):
            self.put(key, f"body {i}".encode())
        for i, key in enumerate(keys):
            self.assertEqual(self.get(key)["Body"].read(), f"body {i}".encode())
        self.assertEqual(self.keys(), sorted(keys, key=lambda k: k.encode()))
        # "%2e%2e" arrives percent-encoded and is a literal name inside the bucket.
        self.assertTrue(os.path.isfile(os.path.join(self.bucket_dir, "%2e%2e", "literal-dots")))
        listed = self.s3.list_objects(Bucket=self.bucket, Prefix="unicodé/")["Contents"]
        self.assertEqual([o["Key"] for o in listed], ["unicodé/日本語 file.txt"])

    def test_ranges(self):
        body = bytes(range(100))
        self.put("r", body)
        cases = {"bytes=10-19": (body[10:20], "bytes 10-19/100"),
                 "bytes=95-": (body[95:], "bytes 95-99/100"),
                 "bytes=-5": (body[95:], "bytes 95-99/100"),
                 "bytes=90-1000": (body[90:], "bytes 90-99/100"),
                 "bytes=0-0": (body[:1], "bytes 0-0/100")}
        for spec, (data, content_range) in cases.items():
            got = self.get("r", Range=spec)
            self.assertEqual((got["Body"].read(), got["ContentRange"]), (data, content_range), spec)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        response = self.assert_error(self.get, "InvalidRange", 416, key="r", Range="bytes=100-")
        self.assertEqual(response["Error"]["ActualObjectSize"], "100")
        self.assertEqual(self.get("r", Range="bytes=5-2")["Body"].read(), body)  # ignored

    def test_conditional_requests(self):
        etag = self.put("c", b"conditional")["ETag"]
        with self.assertRaises(ClientError) as cm:
            self.get("c", IfNoneMatch=etag)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)
        self.assertEqual(self.get("c", IfMatch=etag)["Body"].read(), b"conditional")
        self.assert_error(self.get, "PreconditionFailed", 412, key="c", IfMatch='"0123"')
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        with self.assertRaises(ClientError) as cm:
            self.get("c", IfModifiedSince=future)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)
        self.assertEqual(self.get("c", IfModifiedSince=past)["Body"].read(), b"conditional")
        self.assert_error(self.get, "PreconditionFailed", 412, key="c", IfUnmodifiedSince=past)
        self.assert_error(self.put, "PreconditionFailed", 412, key="c", IfNoneMatch="*")

    def test_copy(self):
        self.put("src/é file", b"copied bytes", ContentType="text/plain", Metadata={"a": "1"})
        result = self.s3.copy_object(Bucket=self.bucket, Key="dst/copy",
                                     CopySource={"Bucket": self.bucket, "Key": "src/é file"})
        self.assertEqual(result["CopyObjectResult"]["ETag"],
                         '"' + hashlib.md5(b"copied bytes").hexdigest() + '"')
        got = self.get("dst/copy")
        self.assertEqual((got["Body"].read(), got["ContentType"], got["Metadata"]),
                         (b"copied bytes", "text/plain", {"a": "1"}))
        self.s3.copy_object(Bucket=self.bucket, Key="dst/replaced", MetadataDirective="REPLACE",
                            ContentType="application/json", Metadata={"b": "2"},
                            CopySource=f"{self.bucket}/src/é file")
        got = self.get("dst/replaced")
        self.assertEqual((got["ContentType"], got["Metadata"]), ("application/json", {"b": "2"}))
        self.assert_error(self.s3.copy_object, "InvalidRequest", 400, Bucket=self.bucket,
                          Key="src/é file", CopySource={"Bucket": self.bucket, "Key": "src/é file"})
        self.assert_error(self.s3.copy_object, "NoSuchKey", 404, Bucket=self.bucket, Key="x",
                          CopySource={"Bucket": self.bucket, "Key": "missing"})
        self.assert_error(self.s3.copy_object, "PreconditionFailed", 412, Bucket=self.bucket,
                          Key="x", CopySource={"Bucket": self.bucket, "Key": "src/é file"},
                          CopySourceIfMatch='"nope"')

    def test_delete_and_delete_objects(self):
        for key in ("a/1", "a/2", "a/b/3", "keep"):
            self.put(key)
        self.s3.delete_object(Bucket=self.bucket, Key="a/b/3")
        self.s3.delete_object(Bucket=self.bucket, Key="a/b/3")  # idempotent: 204 again
        self.assertFalse(os.path.exists(os.path.join(self.bucket_dir, "a", "b")))
        result = self.s3.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": "a/1"}, {"Key": "a/2"}, {"Key": "never-there"}]})
        self.assertEqual(sorted(d["Key"] for d in result["Deleted"]), ["a/1", "a/2", "never-there"])
        self.assertNotIn("Errors", result)
        self.put("q/1")
        quiet = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": "q/1"}],
                                                                   "Quiet": True})
        self.assertNotIn("Deleted", quiet)
        self.assertEqual(self.keys(), ["keep"])
        self.assertEqual(self.leftovers(), ["keep"])  # emptied folders are gone too

    def test_folder_placeholders(self):
        self.put("folder/", b"")
        self.assertTrue(os.path.isdir(os.path.join(self.bucket_dir, "folder")))
        self.assertEqual(self.keys(), ["folder/"])
        self.assertEqual(self.get("folder/")["Body"].read(), b"")
        self.assert_error(self.put, "InvalidRequest", 400, key="other/", body=b"data")
        self.s3.delete_object(Bucket=self.bucket, Key="folder/")
        self.assertEqual(self.keys(), [])

    def test_key_collisions_are_refused_cleanly(self):
        self.put("file")
        self.assert_error(self.put, "OperationAborted", 409, key="file/child")
        self.put("dir/child")
        self.assert_error(self.put, "OperationAborted", 409, key="dir")
        self.assertEqual(self.leftovers(), ["dir/child", "file"])


class ListTest(S3Test):

    KEYS = sorted([f"p/a/{i:02d}" for i in range(12)] + [f"p/b/{i}" for i in range(5)] +
                  ["p/c.txt", "p/a-sibling", "p/z/deep/down/x", "top", "p/a/sub/1"],
                  key=lambda k: k.encode())

    def setUp(self):
        super().setUp()
        for key in self.KEYS:
            self.put(key, key.encode())

    def test_pagination_with_continuation_tokens(self):
        pages, keys, token = 0, [], None
        while True:
            kwargs = {"ContinuationToken": token} if token else {}
            page = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=7, **kwargs)
            pages += 1
            keys += [o["Key"] for o in page["Contents"]]
            self.assertEqual(page["KeyCount"], len(page["Contents"]))
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(keys, self.KEYS)
        self.assertEqual(pages, 4)
        first = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=1)["Contents"][0]
        self.assertEqual((first["Key"], first["Size"], first["StorageClass"], first["ETag"]),
                         ("p/a-sibling", 11, "STANDARD",
                          '"' + hashlib.md5(b"p/a-sibling").hexdigest() + '"'))
        paginated = [o["Key"] for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, PaginationConfig={"PageSize": 5}) for o in page["Contents"]]
        self.assertEqual(paginated, self.KEYS)
        self.assertEqual(self.keys(StartAfter="p/b/4"), [k for k in self.KEYS if k > "p/b/4"])
        self.assert_error(self.s3.list_objects_v2, "InvalidArgument", 400, Bucket=self.bucket,
                          ContinuationToken="not-a-token")

    def test_delimiter_and_common_prefixes(self):
        page = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["p/"])
        self.assertEqual([o["Key"] for o in page["Contents"]], ["top"])
        page = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/", Prefix="p/")
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["p/a/", "p/b/", "p/z/"])
        self.assertEqual([o["Key"] for o in page["Contents"]], ["p/a-sibling", "p/c.txt"])
        self.assertEqual(page["KeyCount"], 5)
        # Paging through common prefixes: each appears once.
        seen, token = [], None
        while True:
            kwargs = {"ContinuationToken": token} if token else {}
            page = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/", Prefix="p/",
                                           MaxKeys=2, **kwargs)
            seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            seen += [o["Key"] for o in page.get("Contents", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(sorted(seen), ["p/a-sibling", "p/a/", "p/b/", "p/c.txt", "p/z/"])
        # A delimiter other than '/'.
        page = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="-", Prefix="p/a")
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["p/a-"])
        self.assertEqual(len(page["Contents"]), 13)
        self.assertEqual(self.keys(Prefix="p/a/0"), [f"p/a/{i:02d}" for i in range(10)])
        self.assertEqual(self.keys(Prefix="nothing/"), [])

    def test_list_objects_v1(self):
        page = self.s3.list_objects(Bucket=self.bucket, MaxKeys=3)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual([o["Key"] for o in page["Contents"]], self.KEYS[:3])
        rest = self.s3.list_objects(Bucket=self.bucket, Marker=page["Contents"][-1]["Key"])
        self.assertEqual([o["Key"] for o in rest["Contents"]], self.KEYS[3:])
        paged = [o["Key"] for p in self.s3.get_paginator("list_objects").paginate(
            Bucket=self.bucket, PaginationConfig={"PageSize": 4}) for o in p["Contents"]]
        self.assertEqual(paged, self.KEYS)


class IntegrityTest(S3Test):

    def test_bad_content_md5_leaves_nothing(self):
        body = b"some data"
        wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        self.assert_error(self.put, "BadDigest", 400, key="bad/md5", body=body, ContentMD5=wrong)
        self.assert_error(self.put, "InvalidDigest", 400, key="bad/md5", body=body,
                          ContentMD5="not base64")
        self.assertEqual(self.leftovers(), [])
        good = base64.b64encode(hashlib.md5(body).digest()).decode()
        self.put("good/md5", body, ContentMD5=good)
        self.assertEqual(self.leftovers(), ["good/md5"])

    def test_flexible_checksums(self):
        body = b"checksummed"
        sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
        put = self.put("sha", body, ChecksumAlgorithm="SHA256")
        self.assertEqual(put["ChecksumSHA256"], sha)
        put = self.put("crc", body)  # botocore adds CRC32 by default
        self.assertEqual(put["ChecksumCRC32"], crc32_b64(body))
        got = self.get("crc", ChecksumMode="ENABLED")
        self.assertEqual((got["Body"].read(), got["ChecksumCRC32"]), (body, crc32_b64(body)))
        self.assert_error(self.put, "BadDigest", 400, key="crc-bad", body=body,
                          ChecksumCRC32=crc32_b64(b"else"))
        self.assert_error(self.put, "BadDigest", 400, key="sha-bad", body=body,
                          ChecksumSHA1=base64.b64encode(hashlib.sha1(b"x").digest()).decode())
        self.assertEqual(self.leftovers(), ["crc", "sha"])

    def test_aws_chunked_with_trailer_from_botocore(self):
        # botocore streams with a trailing checksum over HTTPS only; turning
        # the resolved checksum into a trailer makes it do so here, with its
        # own aws-chunked encoder.
        def use_trailer(params, **kwargs):
            algorithm = params["context"].get("checksum", {}).get("request_algorithm")
            if isinstance(algorithm, dict):
                algorithm["in"] = "trailer"
        self.s3.meta.events.register("before-call.s3.PutObject", use_trailer)
        body = os.urandom(3 * MIB + 17)
        put = self.s3.put_object(Bucket=self.bucket, Key="chunked", Body=io.BytesIO(body))
        self.assertEqual(put["ETag"], '"' + hashlib.md5(body).hexdigest() + '"')
        self.assertEqual(self.get("chunked")["Body"].read(), body)

    def test_aws_chunked_unsigned_trailer_mismatch(self):
        data = b"hello world"
        body = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:" + \
            crc32_b64(b"nope").encode() + b"\r\n\r\n"
        headers = {"Content-Encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
                   "x-amz-decoded-content-length": str(len(data))}
        path = f"/{self.bucket}/trailer"
        status, _, reply = self.signed("PUT", path, headers, body,
                                       payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(status, 400, reply)
        self.assertIn(b"<Code>BadDigest</Code>", reply)
        good = body.replace(crc32_b64(b"nope").encode(), crc32_b64(data).encode())
        status, _, reply = self.signed("PUT", path, headers, good,
                                       payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(status, 200, reply)
        self.assertEqual(self.get("trailer")["Body"].read(), data)

    def test_signed_aws_chunked(self):
        chunks = [os.urandom(70000), os.urandom(1000), b""]
        data = b"".join(chunks)
        headers = {"Content-Encoding": "aws-chunked",
                   "x-amz-decoded-content-length": str(len(data))}
        path = f"/{self.bucket}/signed-chunks"

        def send(tamper):
            request = AWSRequest(method="PUT", url=f"http://{self.srv.host}:{self.srv.port}{path}",
                                 headers=dict(headers))

            class Signer(S3SigV4Auth):
                def payload(self, request):
                    return "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"

            Signer(self.srv.credentials(), "s3", self.srv.region).add_auth(request)
            amz_date = request.headers["X-Amz-Date"]
            seed = request.headers["Authorization"].rsplit("Signature=", 1)[1]
            scope = f"{amz_date[:8]}/{self.srv.region}/s3/aws4_request"
            key = ("AWS4" + self.srv.secret_access_key).encode()
            for part in (amz_date[:8], self.srv.region, "s3", "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            body, previous = b"", seed
            for chunk in chunks:
                to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                                     hashlib.sha256(b"").hexdigest(),
                                     hashlib.sha256(chunk).hexdigest()])
                previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
                sent = chunk if not (tamper and chunk) else b"X" + chunk[1:]
                body += b"%x;chunk-signature=%s\r\n%s\r\n" % (len(chunk), previous.encode(), sent)
            return self.srv.raw_request("PUT", path, dict(request.headers.items()), body)

        status, _, reply = send(tamper=True)
        self.assertEqual(status, 403, reply)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", reply)
        self.assertEqual(self.leftovers(), [])
        status, _, reply = send(tamper=False)
        self.assertEqual(status, 200, reply)
        self.assertEqual(self.get("signed-chunks")["Body"].read(), data)


class MultipartTest(S3Test):

    def test_multipart_upload(self):
        parts_data = [os.urandom(5 * MIB), os.urandom(5 * MIB + 3), os.urandom(1234)]
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key="mp/object",
                                                 ContentType="text/plain")
        upload_id = upload["UploadId"]
        parts = []
        for number, data in enumerate(parts_data, 1):
            result = self.s3.upload_part(Bucket=self.bucket, Key="mp/object", UploadId=upload_id,
                                         PartNumber=number, Body=data)
            self.assertEqual(result["ETag"], '"' + hashlib.md5(data).hexdigest() + '"')
            self.assertEqual(result["ChecksumCRC32"], crc32_b64(data))
            parts.append({"PartNumber": number, "ETag": result["ETag"],
                          "ChecksumCRC32": result["ChecksumCRC32"]})
        # Parts are never objects.
        self.assertEqual(self.keys(), [])
        listed = self.s3.list_parts(Bucket=self.bucket, Key="mp/object", UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]],
                         [(p["PartNumber"], p["ETag"], len(d)) for p, d in zip(parts, parts_data)])
        page = self.s3.list_parts(Bucket=self.bucket, Key="mp/object", UploadId=upload_id,
                                  MaxParts=2)
        self.assertEqual((page["IsTruncated"], page["NextPartNumberMarker"]), (True, 2))
        self.assert_error(self.s3.complete_multipart_upload, "InvalidPartOrder", 400,
                          Bucket=self.bucket, Key="mp/object", UploadId=upload_id,
                          MultipartUpload={"Parts": [parts[1], parts[0]]})
        self.assert_error(self.s3.complete_multipart_upload, "InvalidPart", 400,
                          Bucket=self.bucket, Key="mp/object", UploadId=upload_id,
                          MultipartUpload={"Parts": [dict(parts[0], ETag='"%s"' % ("0" * 32))]})
        done = self.s3.complete_multipart_upload(Bucket=self.bucket, Key="mp/object",
                                                 UploadId=upload_id,
                                                 MultipartUpload={"Parts": parts})
        digests = b"".join(hashlib.md5(d).digest() for d in parts_data)
        etag = '"' + hashlib.md5(digests).hexdigest() + '-3"'
        self.assertEqual(done["ETag"], etag)
        got = self.get("mp/object")
        self.assertEqual((got["Body"].read(), got["ETag"], got["ContentType"]),
                         (b"".join(parts_data), etag, "text/plain"))
        self.assertEqual(self.keys(), ["mp/object"])
        self.assertFalse(os.listdir(os.path.join(self.srv.data_dir, "multipart")))
        self.assert_error(self.s3.list_parts, "NoSuchUpload", 404, Bucket=self.bucket,
                          Key="mp/object", UploadId=upload_id)

    def test_small_parts_and_abort(self):
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key="small")["UploadId"]
        parts = []
        for number in (1, 2):
            result = self.s3.upload_part(Bucket=self.bucket, Key="small", UploadId=upload_id,
                                         PartNumber=number, Body=b"tiny %d" % number)
            parts.append({"PartNumber": number, "ETag": result["ETag"]})
        self.assert_error(self.s3.complete_multipart_upload, "EntityTooSmall", 400,
                          Bucket=self.bucket, Key="small", UploadId=upload_id,
                          MultipartUpload={"Parts": parts})
        self.assert_error(self.s3.upload_part, "NoSuchUpload", 404, Bucket=self.bucket,
                          Key="other-key", UploadId=upload_id, PartNumber=1, Body=b"x")
        self.assert_error(self.s3.upload_part, "InvalidArgument", 400, Bucket=self.bucket,
                          Key="small", UploadId=upload_id, PartNumber=10001, Body=b"x")
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="small", UploadId=upload_id)
        self.assert_error(self.s3.abort_multipart_upload, "NoSuchUpload", 404, Bucket=self.bucket,
                          Key="small", UploadId=upload_id)
        self.assertEqual(self.leftovers(), [])

    def test_single_part_upload_and_part_copy(self):
        self.put("source", b"0123456789" * 10)
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key="copied")["UploadId"]
        copied = self.s3.upload_part_copy(Bucket=self.bucket, Key="copied", UploadId=upload_id,
                                          PartNumber=1, CopySourceRange="bytes=10-29",
                                          CopySource={"Bucket": self.bucket, "Key": "source"})
        etag = copied["CopyPartResult"]["ETag"]
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key="copied", UploadId=upload_id,
                                          MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                      "ETag": etag}]})
        self.assertEqual(self.get("copied")["Body"].read(), b"01234567890123456789")


class AccessTest(S3Test):

    def test_presigned_urls_work_and_expire(self):
        # SigV4 query signing (botocore presigns S3 with SigV2 unless told s3v4).
        self.s3 = self.srv.client("s3", signature_version="s3v4")
        self.put("presigned/obj", b"presigned body")
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "presigned/obj"}, ExpiresIn=60)
        with urllib.request.urlopen(url, timeout=10) as response:
            self.assertEqual(response.read(), b"presigned body")
        put_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "presigned/put"}, ExpiresIn=60)
        request = urllib.request.Request(put_url, data=b"uploaded", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            self.assertEqual(response.status, 200)
        self.assertEqual(self.get("presigned/put")["Body"].read(), b"uploaded")
        short = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "presigned/obj"}, ExpiresIn=1)
        time.sleep(2.2)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(short, timeout=10)
        self.assertEqual(cm.exception.code, 403)
        reply = cm.exception.read()
        self.assertIn(b"<Code>AccessDenied</Code>", reply)
        self.assertIn(b"Request has expired", reply)

    def test_wrong_secret(self):
        bad = self.srv.client("s3", secret_access_key="wrong-secret")
        self.assert_error(bad.list_objects_v2, "SignatureDoesNotMatch", 403, Bucket=self.bucket)

    def test_virtual_host_style(self):
        self.put("vh/key", b"virtual")
        for host in (f"{self.bucket}.localhost:{self.srv.port}",
                     f"{self.bucket}.127.0.0.1.nip.io:{self.srv.port}"):
            status, _, body = self.signed("GET", "/vh/key", host=host)
            self.assertEqual((status, body), (200, b"virtual"), host)
        status, _, body = self.signed("GET", "/?list-type=2&prefix=vh%2F",
                                      host=f"{self.bucket}.localhost:{self.srv.port}")
        self.assertEqual(status, 200)
        self.assertIn(b"<Key>vh/key</Key>", body)

    def test_path_traversal_is_refused(self):
        marker = b"escaped-" + os.urandom(8).hex().encode()
        paths = [f"/{self.bucket}/%2e%2e/%2e%2e/escape-1", f"/{self.bucket}/..%2F..%2Fescape-2",
                 f"/{self.bucket}/a/../../../escape-3", f"/{self.bucket}/nul%00byte",
                 f"/{self.bucket}/%2Fabsolute", f"/{self.bucket}/a//b", f"/{self.bucket}/bad%zz"]
        for path in paths:
            status, _, reply = self.signed("PUT", path, body=marker)
            self.assertEqual(status, 400, (path, reply))
            self.assertTrue(b"<Code>InvalidArgument</Code>" in reply or
                            b"<Code>InvalidURI</Code>" in reply, (path, reply))
            status, _, reply = self.signed("GET", path)
            self.assertEqual(status, 400, (path, reply))
        for key in ("../escape-4", "a/../../escape-5", "./escape-6"):
            with self.assertRaises(ClientError) as cm:
                self.put(key, marker)
            self.assertEqual(error_of(cm.exception)[2], 400, key)
        self.assert_error(self.s3.copy_object, "InvalidArgument", 400, Bucket=self.bucket,
                          Key="x", CopySource=f"{self.bucket}/../../etc")
        root = os.path.dirname(self.srv.data_dir)
        self.assertEqual(files_outside_s3(root, self.srv.data_dir, marker), [])
        self.assertEqual(self.leftovers(), [])


class QueryIntegrationTest(S3Test):

    def test_query_result_file_matches_get_query_results(self):
        athena = self.srv.client("athena")
        sql = ("SELECT n, 'r' || CAST(n AS varchar) AS s, 'a,\"b' AS tricky FROM "
               "(VALUES (1), (2), (3), (10)) AS t(n) ORDER BY n")
        qe = run_query(athena, sql, output=f"s3://{self.bucket}/results/")
        query_id = qe["QueryExecutionId"]
        location = qe["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"s3://{self.bucket}/results/{query_id}.csv")
        body = self.get(f"results/{query_id}.csv")["Body"].read().decode()
        from_file = list(csv.reader(io.StringIO(body)))
        self.assertEqual(from_file, query_rows(athena, query_id))
        self.assertEqual(from_file[1], ["1", "r1", 'a,"b'])
        self.assertIn(f"results/{query_id}.csv", self.keys(Prefix="results/"))

    def test_objects_put_under_a_location_are_queried(self):
        athena = self.srv.client("athena")
        output = f"s3://{self.bucket}/results/"
        run_query(athena, "CREATE DATABASE IF NOT EXISTS s3test", output=output)
        run_query(athena, (
            "CREATE EXTERNAL TABLE s3test.people (name string, age int) ROW FORMAT DELIMITED "
            f"FIELDS TERMINATED BY ',' LOCATION 's3://{self.bucket}/people/'"), output=output)
        count = f"SELECT count(*) AS n, sum(age) AS total FROM s3test.people"
        self.put("people/part-1.csv", b"ann,30\nbob,40\n")
        rows = query_rows(athena, run_query(athena, count, output=output)["QueryExecutionId"])
        self.assertEqual(rows, [["n", "total"], ["2", "70"]])
        self.put("people/part-2.csv", b"cy,5\n")
        rows = query_rows(athena, run_query(athena, count, output=output)["QueryExecutionId"])
        self.assertEqual(rows, [["n", "total"], ["3", "75"]])


class AwsCliTest(unittest.TestCase):
    """The AWS CLI v1 (`aws` on PATH) and v2 (/usr/bin/aws), unmodified."""

    @classmethod
    def setUpClass(cls):
        cls.srv = SERVER
        cls.home = tempfile.mkdtemp(prefix="s3-cli-home-")
        cls.big = os.path.join(cls.home, "big.bin")
        with open(cls.big, "wb") as f:
            f.write(os.urandom(20 * MIB))

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["rm", "-rf", cls.home], check=False)

    def env(self):
        home = self.home
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
                "AWS_ACCESS_KEY_ID": self.srv.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.srv.secret_access_key,
                "AWS_DEFAULT_REGION": self.srv.region,
                "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
                "AWS_PAGER": "", "NO_PROXY": "127.0.0.1,localhost"}

    def aws(self, path, *args):
        proc = subprocess.run([path, "--endpoint-url", self.srv.url, *args], env=self.env(),
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, f"aws {' '.join(args)}:\n{proc.stderr[-2000:]}")
        return proc.stdout

    def run_cli(self, path, bucket):
        self.assertIn("make_bucket", self.aws(path, "s3", "mb", f"s3://{bucket}"))
        self.aws(path, "s3", "cp", "--only-show-errors", self.big, f"s3://{bucket}/dir/big.bin")
        self.aws(path, "s3", "cp", "--only-show-errors", __file__, f"s3://{bucket}/dir/sub/t.py")
        self.assertIn(bucket, self.aws(path, "s3", "ls").split())
        top = self.aws(path, "s3", "ls", f"s3://{bucket}/dir/").splitlines()
        self.assertEqual([line.split()[-2:] for line in top],
                         [["PRE", "sub/"], [str(20 * MIB), "big.bin"]])
        recursive = self.aws(path, "s3", "ls", "--recursive", f"s3://{bucket}/").splitlines()
        self.assertEqual([line.split()[-1] for line in recursive], ["dir/big.bin", "dir/sub/t.py"])
        back = os.path.join(self.home, bucket + ".back")
        self.aws(path, "s3", "cp", "--only-show-errors", f"s3://{bucket}/dir/big.bin", back)
        self.assertTrue(filecmp.cmp(self.big, back, shallow=False))
        ranged = os.path.join(self.home, bucket + ".range")
        self.aws(path, "s3api", "get-object", "--bucket", bucket, "--key", "dir/big.bin",
                 "--range", "bytes=10-19", ranged)
        with open(self.big, "rb") as f, open(ranged, "rb") as g:
            self.assertEqual(g.read(), f.read()[10:20])
        self.aws(path, "s3", "rb", "--force", f"s3://{bucket}")
        self.assertFalse(os.path.exists(os.path.join(self.srv.data_dir, "s3", bucket)))

    def test_cli_v1(self):
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(folder, "aws")
            if not os.access(path, os.X_OK):
                continue
            version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                     env=self.env())
            if (version.stdout + version.stderr).startswith("aws-cli/1."):
                return self.run_cli(path, "cli-v1")
        self.fail("AWS CLI v1 not found on PATH")

    def test_cli_v2(self):
        self.assertTrue(os.access(V2_PATH, os.X_OK), "AWS CLI v2 not found at /usr/bin/aws")
        self.run_cli(V2_PATH, "cli-v2")


if __name__ == "__main__":
    unittest.main()
