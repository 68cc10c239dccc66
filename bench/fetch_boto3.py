#!/usr/bin/env python3
# fetch_boto3.py: the boto3 baselines of bench/fetch.sh. Writes a finished
# query's rows as CSV (header first, csv module, "\n" line ends) the two
# ways a Python user would:
#
#   fetch_boto3.py paginator  QUERY_ID OUT.csv   GetQueryResults paginator
#   fetch_boto3.py get-object QUERY_ID OUT.csv   GetObject of the result file,
#                                                parsed with the csv module
#
# Endpoint, region and credentials come from the usual AWS_* variables.
# Prints the number of data rows written.

import csv
import io
import sys

import boto3


def paginator(athena, query_id, out):
    writer = csv.writer(out, lineterminator="\n")
    rows = -1  # the first row of the first page is the header
    for page in athena.get_paginator("get_query_results").paginate(
            QueryExecutionId=query_id, PaginationConfig={"PageSize": 1000}):
        for row in page["ResultSet"]["Rows"]:
            writer.writerow([cell.get("VarCharValue", "") for cell in row["Data"]])
            rows += 1
    return rows


def get_object(athena, query_id, out):
    location = athena.get_query_execution(QueryExecutionId=query_id)[
        "QueryExecution"]["ResultConfiguration"]["OutputLocation"]
    bucket, _, key = location[len("s3://"):].partition("/")
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    text = io.TextIOWrapper(body, encoding="utf-8", newline="")
    writer = csv.writer(out, lineterminator="\n")
    rows = -1
    for row in csv.reader(text):
        writer.writerow(row)
        rows += 1
    return rows


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("paginator", "get-object"):
        sys.exit("usage: fetch_boto3.py paginator|get-object QUERY_ID OUT.csv")
    mode, query_id, path = sys.argv[1:]
    athena = boto3.client("athena")
    with open(path, "w", newline="", encoding="utf-8") as out:
        fetch = paginator if mode == "paginator" else get_object
        print(fetch(athena, query_id, out))


if __name__ == "__main__":
    main()
