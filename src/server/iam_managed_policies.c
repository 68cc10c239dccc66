/*
 * iam_managed_policies.c: the AWS managed policies athena-local offers (see
 * iam_managed_policies.h). The documents follow AWS's published versions
 * statement by statement (same Sids, actions and resources) for the parts
 * that touch Athena, Glue and S3; statements and actions of services
 * athena-local does not have (SNS, CloudWatch, Lake Formation, EC2, ...)
 * are left out, since nothing here could ever ask for them.
 */
#include "iam_managed_policies.h"

#include <string.h>

#define ARN(name) IAM_AWS_POLICY_ARN_PREFIX "/" name

static const char ATHENA_FULL_ACCESS[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Sid\":\"BaseAthenaPermissions\",\"Effect\":\"Allow\",\"Action\":[\"athena:*\"],"
    "\"Resource\":[\"*\"]},"
    "{\"Sid\":\"BaseGluePermissions\",\"Effect\":\"Allow\",\"Action\":["
    "\"glue:CreateDatabase\",\"glue:DeleteDatabase\",\"glue:GetCatalog\",\"glue:GetCatalogs\","
    "\"glue:GetDatabase\",\"glue:GetDatabases\",\"glue:UpdateDatabase\",\"glue:CreateTable\","
    "\"glue:DeleteTable\",\"glue:BatchDeleteTable\",\"glue:UpdateTable\",\"glue:GetTable\","
    "\"glue:GetTables\",\"glue:BatchCreatePartition\",\"glue:CreatePartition\","
    "\"glue:DeletePartition\",\"glue:BatchDeletePartition\",\"glue:UpdatePartition\","
    "\"glue:GetPartition\",\"glue:GetPartitions\",\"glue:BatchGetPartition\","
    "\"glue:StartColumnStatisticsTaskRun\",\"glue:GetColumnStatisticsTaskRun\","
    "\"glue:GetColumnStatisticsTaskRuns\",\"glue:GetCatalogImportStatus\"],"
    "\"Resource\":[\"*\"]},"
    "{\"Sid\":\"BaseQueryResultsPermissions\",\"Effect\":\"Allow\",\"Action\":["
    "\"s3:GetBucketLocation\",\"s3:GetObject\",\"s3:ListBucket\","
    "\"s3:ListBucketMultipartUploads\",\"s3:ListMultipartUploadParts\","
    "\"s3:AbortMultipartUpload\",\"s3:CreateBucket\",\"s3:PutObject\","
    "\"s3:PutBucketPublicAccessBlock\"],"
    "\"Resource\":[\"arn:aws:s3:::aws-athena-query-results-*\"]},"
    "{\"Sid\":\"BaseAthenaExamplesPermissions\",\"Effect\":\"Allow\","
    "\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],"
    "\"Resource\":[\"arn:aws:s3:::athena-examples*\"]},"
    "{\"Sid\":\"BaseS3BucketPermissions\",\"Effect\":\"Allow\","
    "\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\",\"s3:ListAllMyBuckets\"],"
    "\"Resource\":[\"*\"]}]}";

static const char GLUE_CONSOLE_FULL_ACCESS[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Sid\":\"BaseAppPermissions\",\"Effect\":\"Allow\",\"Action\":["
    "\"glue:*\",\"iam:ListRoles\",\"iam:ListUsers\",\"iam:ListGroups\","
    "\"iam:ListRolePolicies\",\"iam:GetRole\",\"iam:GetRolePolicy\","
    "\"iam:ListAttachedRolePolicies\",\"s3:ListAllMyBuckets\",\"s3:ListBucket\","
    "\"s3:GetBucketAcl\",\"s3:GetBucketLocation\"],"
    "\"Resource\":[\"*\"]},"
    "{\"Effect\":\"Allow\","
    "\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],"
    "\"Resource\":[\"arn:aws:s3:::aws-glue-*/*\",\"arn:aws:s3:::*/*aws-glue-*/*\","
    "\"arn:aws:s3:::aws-glue-*\"]},"
    "{\"Effect\":\"Allow\","
    "\"Action\":[\"s3:CreateBucket\"],"
    "\"Resource\":[\"arn:aws:s3:::aws-glue-*\"]}]}";

static const char S3_READ_ONLY_ACCESS[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\",\"s3:Describe*\"],"
    "\"Resource\":\"*\"}]}";

/* Sorted by name. */
static const iam_managed_policy POLICIES[] = {
    {ARN("AWSGlueConsoleFullAccess"), "AWSGlueConsoleFullAccess", "ANPAJNZGDEOD7MISOVSVI", "/",
     "v14", "Provides full access to AWS Glue via the AWS Management Console",
     GLUE_CONSOLE_FULL_ACCESS, 1502717859, 1689345420},
    {ARN("AmazonAthenaFullAccess"), "AmazonAthenaFullAccess", "ANPAIPJMLMD4C7RYZ6XCK", "/", "v15",
     "Provide full access to Amazon Athena and scoped access to the dependencies needed to "
     "enable querying, writing results, and data management.",
     ATHENA_FULL_ACCESS, 1480524361, 1770919380},
    {ARN("AmazonS3ReadOnlyAccess"), "AmazonS3ReadOnlyAccess", "ANPAIZTJ4DXE7G6AGAE6M", "/", "v3",
     "Provides read only access to all buckets via the AWS Management Console.",
     S3_READ_ONLY_ACCESS, 1423248059, 1691520218},
};

const iam_managed_policy *iam_managed_policy_find(const char *arn)
{
    for (size_t i = 0; arn && i < sizeof POLICIES / sizeof POLICIES[0]; i++)
        if (strcmp(POLICIES[i].arn, arn) == 0)
            return &POLICIES[i];
    return NULL;
}

const iam_managed_policy *iam_managed_policies(size_t *count)
{
    *count = sizeof POLICIES / sizeof POLICIES[0];
    return POLICIES;
}

int iam_is_aws_policy_arn(const char *arn)
{
    static const char prefix[] = IAM_AWS_POLICY_ARN_PREFIX "/";
    return arn && strncmp(arn, prefix, sizeof prefix - 1) == 0;
}
