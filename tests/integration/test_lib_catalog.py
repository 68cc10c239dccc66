# libathena's catalog API (include/athena/catalog.h) through ctypes against
# moto_server, an independent implementation of S3 and Glue:
#
# - athena_s3_list: prefix/delimiter grouping, continuation-token paging,
#   keys that need encoding-type=url (spaces, '+', '&', UTF-8, a control
#   character), NoSuchBucket; athena_s3_list_buckets.
# - athena_glue_*: GetTable's decoding, GetTables with an Expression (moto does
#   not page it; test_cli_catalog.py covers paging),
#   GetPartitions with a partition Expression, EntityNotFoundException.
# - the metadata cache: a cached GetTable answer outlives the table until
#   athena_metadata_cache_clear(); with the cache off it does not.
#
# - addressing: virtual-hosted (bucket.s3.REGION.amazonaws.com) on AWS
#   endpoints, path-style for dotted buckets, both with a valid signature,
#   seen through a loopback HTTP proxy standing in for AWS.
#
# The struct layouts mirrored below are those of catalog.h; a mismatch shows
# up as wrong values.

import ctypes
import os
import re
import shutil
import sys
import tempfile
import threading
import unittest
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_double, c_int, c_int64,
                    c_long, c_size_t, c_void_p)
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ATHENA_OK, ATHENA_E_ARG, ATHENA_E_SERVICE = 0, 2, 9
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BUCKET = "example-data"
KEYS = [
    "sales/orders/data file 1.csv",
    "sales/orders/a+b=c&d.csv",
    "sales/orders/\u6771\u4eac\x01ctl.csv",
    "sales/orders/year=2024/month=01/part-0.csv",
    "sales/orders/year=2024/month=02/part-0.csv",
    "sales/customers/c.parquet",
    "other/x",
]


class AthenaError(Structure):
    _fields_ = [("status", c_int), ("http_status", c_int), ("retryable", c_int),
                ("code", c_char * 128), ("message", c_char * 1024),
                ("request_id", c_char * 128)]


class S3ListParams(Structure):
    _fields_ = [("bucket", c_char_p), ("prefix", c_char_p), ("delimiter", c_char_p),
                ("continuation_token", c_char_p), ("start_after", c_char_p),
                ("max_keys", c_int)]


class S3Object(Structure):
    _fields_ = [("key", c_char_p), ("size", c_int64), ("etag", c_char_p),
                ("last_modified", c_char_p), ("last_modified_epoch", c_double),
                ("storage_class", c_char_p)]


class S3Listing(Structure):
    _fields_ = [("bucket", c_char_p), ("prefix", c_char_p), ("objects", POINTER(S3Object)),
                ("object_count", c_size_t), ("common_prefixes", POINTER(c_char_p)),
                ("common_prefix_count", c_size_t), ("is_truncated", c_int),
                ("next_continuation_token", c_char_p)]


class S3Bucket(Structure):
    _fields_ = [("name", c_char_p), ("creation_date", c_char_p), ("creation_epoch", c_double)]


class S3BucketList(Structure):
    _fields_ = [("buckets", POINTER(S3Bucket)), ("count", c_size_t), ("owner_id", c_char_p),
                ("owner_display_name", c_char_p)]


class Parameter(Structure):
    _fields_ = [("key", c_char_p), ("value", c_char_p)]


class TableColumn(Structure):
    _fields_ = [("name", c_char_p), ("type", c_char_p), ("comment", c_char_p)]


class Table(Structure):
    _fields_ = [("name", c_char_p), ("database", c_char_p), ("catalog_id", c_char_p),
                ("description", c_char_p), ("owner", c_char_p), ("table_type", c_char_p),
                ("create_time", c_double), ("update_time", c_double),
                ("location", c_char_p), ("input_format", c_char_p),
                ("output_format", c_char_p), ("compressed", c_int),
                ("serde_name", c_char_p), ("serde_library", c_char_p),
                ("serde_parameters", POINTER(Parameter)), ("serde_parameter_count", c_size_t),
                ("columns", POINTER(TableColumn)), ("column_count", c_size_t),
                ("partition_keys", POINTER(TableColumn)), ("partition_key_count", c_size_t),
                ("parameters", POINTER(Parameter)), ("parameter_count", c_size_t),
                ("view_original_text", c_char_p), ("view_expanded_text", c_char_p)]


class Partition(Structure):
    _fields_ = [("values", POINTER(c_char_p)), ("value_count", c_size_t),
                ("database", c_char_p), ("table", c_char_p), ("location", c_char_p),
                ("input_format", c_char_p), ("output_format", c_char_p),
                ("serde_library", c_char_p), ("create_time", c_double),
                ("last_access_time", c_double), ("parameters", POINTER(Parameter)),
                ("parameter_count", c_size_t)]


class PageOptions(Structure):
    _fields_ = [("next_token", c_char_p), ("max_results", c_int), ("single_page", c_int)]


def _list_type(item):
    class List(Structure):
        _fields_ = [("items", POINTER(POINTER(item))), ("count", c_size_t),
                    ("next_token", c_char_p)]
    return List


TableList = _list_type(Table)
PartitionList = _list_type(Partition)


def library_path():
    return os.path.join(os.path.dirname(harness.BIN_DIR), "lib", "libathena.so")


def reexec_with_asan_runtime():
    """A sanitizer build of libathena.so can only be loaded when the ASan
    runtime comes first: run this file again with it preloaded. Python's own
    allocations are not ours to judge, so leak detection is off here (the
    unit tests check for leaks)."""
    try:
        with open(library_path(), "rb") as f:
            match = re.search(rb"libasan\.so(\.\d+)?", f.read())
    except OSError:
        return  # load_library() reports the missing library
    if not match or "libasan" in os.environ.get("LD_PRELOAD", ""):
        return
    env = dict(os.environ)
    env["LD_PRELOAD"] = match.group(0).decode()
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def load_library():
    lib = ctypes.CDLL(library_path())
    sigs = {
        "athena_global_init": (c_int, []),
        "athena_config_load": (c_int, [c_void_p, POINTER(c_void_p), POINTER(AthenaError)]),
        "athena_config_free": (None, [c_void_p]),
        "athena_client_create": (c_int, [c_void_p, POINTER(c_void_p), POINTER(AthenaError)]),
        "athena_client_destroy": (None, [c_void_p]),
        "athena_client_error": (POINTER(AthenaError), [c_void_p]),
        "athena_s3_list": (c_int, [c_void_p, POINTER(S3ListParams), POINTER(POINTER(S3Listing))]),
        "athena_s3_listing_free": (None, [POINTER(S3Listing)]),
        "athena_s3_list_buckets": (c_int, [c_void_p, POINTER(POINTER(S3BucketList))]),
        "athena_s3_bucket_list_free": (None, [POINTER(S3BucketList)]),
        "athena_glue_get_table": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(POINTER(Table))]),
        "athena_table_free": (None, [POINTER(Table)]),
        "athena_glue_get_tables": (c_int, [c_void_p, c_char_p, c_char_p, POINTER(PageOptions),
                                           POINTER(POINTER(TableList))]),
        "athena_table_list_free": (None, [POINTER(TableList)]),
        "athena_glue_get_partitions": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p,
                                               POINTER(PageOptions),
                                               POINTER(POINTER(PartitionList))]),
        "athena_partition_list_free": (None, [POINTER(PartitionList)]),
        "athena_client_set_metadata_cache_ttl": (c_int, [c_void_p, c_long]),
        "athena_metadata_cache_clear": (None, [c_void_p]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    lib.athena_global_init()
    return lib


def text(value):
    return None if value is None else value.decode("utf-8")


def open_client(test, lib, env):
    """A config + client made with env set (restored at cleanup)."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    def restore():
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    test.addCleanup(restore)
    options = ctypes.create_string_buffer(1024)  # zeroed athena_config_options
    config, client = c_void_p(), c_void_p()
    err = AthenaError()
    test.assertEqual(lib.athena_config_load(options, byref(config), byref(err)), ATHENA_OK,
                     err.message)
    test.addCleanup(lib.athena_config_free, config)
    test.assertEqual(lib.athena_client_create(config, byref(client), byref(err)), ATHENA_OK,
                     err.message)
    test.addCleanup(lib.athena_client_destroy, client)
    return client


class LibCatalogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lib = load_library()
        cls.moto = harness.start_moto()
        cls.home = tempfile.mkdtemp(prefix="athena-lib-home-")
        s3 = cls.moto.boto3_client("s3")
        s3.create_bucket(Bucket=BUCKET)
        for i, key in enumerate(KEYS):
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * (i + 1))
        cls.s3 = s3
        cls.glue = cls.moto.boto3_client("glue")
        cls.glue.create_database(DatabaseInput={"Name": "sales"})
        columns = [{"Name": "order_id", "Type": "bigint", "Comment": "key"},
                   {"Name": "amount", "Type": "decimal(12,2)"}]
        for name in ("orders", "order_lines", "customers"):
            cls.glue.create_table(DatabaseName="sales", TableInput={
                "Name": name, "TableType": "EXTERNAL_TABLE",
                "StorageDescriptor": {
                    "Columns": columns, "Location": f"s3://{BUCKET}/sales/{name}/",
                    "SerdeInfo": {"SerializationLibrary":
                                  "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                                  "Parameters": {"separatorChar": ","}}},
                "PartitionKeys": [{"Name": "year", "Type": "string"}],
                "Parameters": {"classification": "csv"}})
        for year in ("2023", "2024"):
            cls.glue.create_partition(DatabaseName="sales", TableName="orders", PartitionInput={
                "Values": [year], "StorageDescriptor": {
                    "Location": f"s3://{BUCKET}/sales/orders/year={year}/"}})

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def setUp(self):
        self.client = open_client(self, self.lib, {
            "HOME": self.home, "AWS_ACCESS_KEY_ID": harness.SETUP_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": harness.SETUP_SECRET, "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.moto.url, "AWS_MAX_ATTEMPTS": "1"})

    def error(self):
        e = self.lib.athena_client_error(self.client).contents
        return text(e.code), text(e.message)

    # ---- S3 ----

    def s3_list(self, **params):
        p = S3ListParams(**{k: (v.encode() if isinstance(v, str) else v)
                            for k, v in params.items()})
        out = POINTER(S3Listing)()
        st = self.lib.athena_s3_list(self.client, byref(p), byref(out))
        if st != ATHENA_OK:
            return st, None
        listing = out.contents
        result = {
            "keys": [text(listing.objects[i].key) for i in range(listing.object_count)],
            "sizes": [listing.objects[i].size for i in range(listing.object_count)],
            "etags": [text(listing.objects[i].etag) for i in range(listing.object_count)],
            "epochs": [listing.objects[i].last_modified_epoch
                       for i in range(listing.object_count)],
            "prefixes": [text(listing.common_prefixes[i])
                         for i in range(listing.common_prefix_count)],
            "truncated": listing.is_truncated,
            "token": text(listing.next_continuation_token),
            "bucket": text(listing.bucket),
        }
        self.lib.athena_s3_listing_free(out)
        return st, result

    def test_list_with_delimiter_decodes_keys(self):
        st, r = self.s3_list(bucket=BUCKET, prefix="sales/orders/", delimiter="/")
        self.assertEqual(st, ATHENA_OK, self.error())
        self.assertEqual(r["bucket"], BUCKET)
        expected = sorted(k for k in KEYS if k.startswith("sales/orders/") and
                          "/" not in k[len("sales/orders/"):])
        self.assertEqual(r["keys"], expected)
        self.assertEqual(r["prefixes"], ["sales/orders/year=2024/"])
        boto = self.s3.list_objects_v2(Bucket=BUCKET, Prefix="sales/orders/", Delimiter="/")
        self.assertEqual(r["sizes"], [o["Size"] for o in boto["Contents"]])
        self.assertEqual(r["etags"], [o["ETag"] for o in boto["Contents"]])
        self.assertEqual(r["epochs"],
                         [o["LastModified"].timestamp() for o in boto["Contents"]])
        self.assertFalse(r["truncated"])
        self.assertIsNone(r["token"])

    def test_list_pages_with_continuation_tokens(self):
        seen, token, pages = [], None, 0
        while True:
            st, r = self.s3_list(bucket=BUCKET, prefix="sales/", max_keys=2,
                                 continuation_token=token)
            self.assertEqual(st, ATHENA_OK, self.error())
            pages += 1
            self.assertLessEqual(len(r["keys"]), 2)
            seen += r["keys"]
            token = r["token"]
            self.assertEqual(bool(r["truncated"]), token is not None)
            if token is None:
                break
        self.assertEqual(seen, sorted(k for k in KEYS if k.startswith("sales/")))
        self.assertEqual(pages, 3)
        st, r = self.s3_list(bucket=BUCKET, start_after="sales/orders/year")
        self.assertEqual(st, ATHENA_OK, self.error())
        self.assertEqual(r["keys"], sorted(k for k in KEYS if k > "sales/orders/year"))

    def test_list_errors(self):
        st, _ = self.s3_list(bucket="no-such-bucket-here")
        self.assertEqual(st, ATHENA_E_SERVICE)
        self.assertEqual(self.error()[0], "NoSuchBucket")
        st, _ = self.s3_list(bucket="")
        self.assertEqual(st, ATHENA_E_ARG)

    def test_list_buckets(self):
        out = POINTER(S3BucketList)()
        self.assertEqual(self.lib.athena_s3_list_buckets(self.client, byref(out)), ATHENA_OK,
                         self.error())
        names = [text(out.contents.buckets[i].name) for i in range(out.contents.count)]
        self.assertIn(BUCKET, names)
        self.assertGreater(out.contents.buckets[names.index(BUCKET)].creation_epoch, 1.6e9)
        self.lib.athena_s3_bucket_list_free(out)

    # ---- Glue ----

    def get_table(self, db, name):
        out = POINTER(Table)()
        st = self.lib.athena_glue_get_table(self.client, db.encode(), name.encode(), byref(out))
        if st != ATHENA_OK:
            return st, None
        t = out.contents
        result = {
            "name": text(t.name), "database": text(t.database), "location": text(t.location),
            "serde": text(t.serde_library), "type": text(t.table_type),
            "columns": [(text(t.columns[i].name), text(t.columns[i].type),
                         text(t.columns[i].comment)) for i in range(t.column_count)],
            "keys": [text(t.partition_keys[i].name) for i in range(t.partition_key_count)],
            "serde_params": {text(t.serde_parameters[i].key): text(t.serde_parameters[i].value)
                             for i in range(t.serde_parameter_count)},
        }
        self.lib.athena_table_free(out)
        return st, result

    def test_get_table(self):
        st, t = self.get_table("sales", "orders")
        self.assertEqual(st, ATHENA_OK, self.error())
        self.assertEqual(t, {
            "name": "orders", "database": "sales", "location": f"s3://{BUCKET}/sales/orders/",
            "serde": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "type": "EXTERNAL_TABLE",
            "columns": [("order_id", "bigint", "key"), ("amount", "decimal(12,2)", None)],
            "keys": ["year"], "serde_params": {"separatorChar": ","}})
        st, _ = self.get_table("sales", "nope")
        self.assertEqual(st, ATHENA_E_SERVICE)
        self.assertEqual(self.error()[0], "EntityNotFoundException")

    def test_get_tables_pages_with_expression(self):
        out = POINTER(TableList)()
        opts = PageOptions(None, 1, 0)  # every page, at most one table per request
        st = self.lib.athena_glue_get_tables(self.client, b"sales", b"order*", byref(opts),
                                             byref(out))
        self.assertEqual(st, ATHENA_OK, self.error())
        names = sorted(text(out.contents.items[i].contents.name)
                       for i in range(out.contents.count))
        self.assertEqual(names, ["order_lines", "orders"])
        self.assertIsNone(out.contents.next_token)
        self.lib.athena_table_list_free(out)
        opts = PageOptions(None, 101, 0)
        self.assertEqual(self.lib.athena_glue_get_tables(self.client, b"sales", None,
                                                         byref(opts), byref(out)), ATHENA_E_ARG)

    def test_get_partitions_with_expression(self):
        out = POINTER(PartitionList)()
        st = self.lib.athena_glue_get_partitions(self.client, b"sales", b"orders",
                                                 b"year = '2024'", None, byref(out))
        self.assertEqual(st, ATHENA_OK, self.error())
        parts = [(text(p.contents.values[0]), text(p.contents.location))
                 for p in out.contents.items[:out.contents.count]]
        self.assertEqual(parts, [("2024", f"s3://{BUCKET}/sales/orders/year=2024/")])
        self.lib.athena_partition_list_free(out)

    def test_metadata_cache_serves_until_cleared(self):
        self.glue.create_table(DatabaseName="sales", TableInput={
            "Name": "ephemeral", "StorageDescriptor": {"Location": "s3://b/e/"}})
        self.addCleanup(lambda: self.glue.delete_table(DatabaseName="sales", Name="ephemeral")
                        if "ephemeral" in [t["Name"] for t in
                                           self.glue.get_tables(DatabaseName="sales")["TableList"]]
                        else None)
        self.assertEqual(self.lib.athena_client_set_metadata_cache_ttl(self.client, 60000),
                         ATHENA_OK)
        st, t = self.get_table("sales", "ephemeral")
        self.assertEqual((st, t["location"]), (ATHENA_OK, "s3://b/e/"))
        self.glue.delete_table(DatabaseName="sales", Name="ephemeral")
        st, t = self.get_table("sales", "ephemeral")
        self.assertEqual((st, t and t["location"]), (ATHENA_OK, "s3://b/e/"),
                         "answered from the cache")
        self.lib.athena_metadata_cache_clear(self.client)
        st, _ = self.get_table("sales", "ephemeral")
        self.assertEqual(st, ATHENA_E_SERVICE)
        self.assertEqual(self.error()[0], "EntityNotFoundException")

    def test_metadata_cache_off_by_default(self):
        self.glue.create_table(DatabaseName="sales", TableInput={
            "Name": "fleeting", "StorageDescriptor": {"Location": "s3://b/f/"}})
        st, _ = self.get_table("sales", "fleeting")
        self.assertEqual(st, ATHENA_OK, self.error())
        self.glue.delete_table(DatabaseName="sales", Name="fleeting")
        st, _ = self.get_table("sales", "fleeting")
        self.assertEqual(st, ATHENA_E_SERVICE)


LISTING_XML = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
               b'<Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>'
               b'<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>'
               b'<Contents><Key>k+1</Key><Size>3</Size></Contents></ListBucketResult>')


class _RecordingProxy:
    """Stands in, as an HTTP proxy, for the AWS S3 endpoint: libcurl sends
    it the absolute URL, so the test sees which host the client addressed."""

    def __init__(self):
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.requests.append((self.path, list(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(LISTING_XML)))
                self.end_headers()
                self.wfile.write(LISTING_XML)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class AddressingTest(unittest.TestCase):
    """Virtual-hosted requests on AWS endpoints, path-style for buckets that
    cannot be a host name; both signed for the host they go to."""

    def setUp(self):
        self.lib = load_library()
        self.proxy = _RecordingProxy()
        self.addCleanup(self.proxy.stop)
        home = tempfile.mkdtemp(prefix="athena-lib-home-")
        self.addCleanup(shutil.rmtree, home, True)
        self.client = open_client(self, self.lib, {
            "HOME": home, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1",
            "AWS_ENDPOINT_URL_S3": "http://s3.us-east-1.amazonaws.com",
            "http_proxy": self.proxy.url, "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost"})

    def list_one(self, bucket):
        p = S3ListParams(bucket=bucket.encode(), prefix=b"a b/")
        out = POINTER(S3Listing)()
        st = self.lib.athena_s3_list(self.client, byref(p), byref(out))
        self.assertEqual(st, ATHENA_OK,
                         text(self.lib.athena_client_error(self.client).contents.message))
        self.assertEqual(text(out.contents.objects[0].key), "k 1")
        self.lib.athena_s3_listing_free(out)
        (url, headers), = self.proxy.requests[-1:]
        host = [v for k, v in headers if k.lower() == "host"][0]
        path = url.split(host, 1)[1]
        ok, reason, _ = harness.verify_sigv4("GET", host, path, headers, b"", {KEY_ID: SECRET})
        self.assertTrue(ok, reason)
        return host, path

    def test_virtual_hosted_on_aws(self):
        host, path = self.list_one("example-data")
        self.assertEqual(host, "example-data.s3.us-east-1.amazonaws.com")
        self.assertTrue(path.startswith("/?"), path)
        self.assertIn("prefix=a%20b%2F", path)
        self.assertIn("list-type=2", path)
        self.assertIn("encoding-type=url", path)

    def test_dotted_bucket_goes_path_style(self):
        host, path = self.list_one("logs.example.com")
        self.assertEqual(host, "s3.us-east-1.amazonaws.com")
        self.assertTrue(path.startswith("/logs.example.com?"), path)


if __name__ == "__main__":
    reexec_with_asan_runtime()
    unittest.main(verbosity=2)
