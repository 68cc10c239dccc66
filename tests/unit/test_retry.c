/*
 * test_retry.c: standard-mode retry decisions and backoff bounds, and the
 * parsing and classification of AWS error responses that feed them.
 */
#include "aws_error.h"
#include "retry.h"
#include "test.h"
#include "transport.h"

static athena_error service_error(const char *body, long status)
{
    athena_error e;
    aws_error_from_response(&e, status, "application/x-amz-json-1.1", body, strlen(body), "rid-1");
    return e;
}

static void test_json_error_parsing(void)
{
    athena_error e = service_error(
        "{\"__type\":\"com.amazonaws.athena#InvalidRequestException\",\"message\":\"bad sql\","
        "\"AthenaErrorCode\":\"INVALID_INPUT\"}", 400);
    CHECK_STR(e.code, "InvalidRequestException");
    CHECK_STR(e.message, "bad sql");
    CHECK_STR(e.request_id, "rid-1");
    CHECK_INT(e.http_status, 400);
    CHECK_INT(e.status, ATHENA_E_SERVICE);
    CHECK(!e.retryable);

    e = service_error("{\"__type\":\"ThrottlingException:http://internal.amazon.com/\","
                      "\"Message\":\"Rate exceeded\"}", 400);
    CHECK_STR(e.code, "ThrottlingException");
    CHECK_STR(e.message, "Rate exceeded");
    CHECK(e.retryable);

    e = service_error("{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::1:user/u "
                      "is not authorized to perform: athena:ListWorkGroups\"}", 400);
    CHECK_INT(e.status, ATHENA_E_ACCESS_DENIED);
    e = service_error("{\"__type\":\"UnrecognizedClientException\",\"message\":\"x\"}", 400);
    CHECK_INT(e.status, ATHENA_E_AUTH);
    e = service_error("{\"__type\":\"InvalidSignatureException\",\"message\":\"x\"}", 403);
    CHECK_INT(e.status, ATHENA_E_AUTH);
}

static void test_xml_and_other_bodies(void)
{
    const char *xml = "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type>"
                      "<Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                      "calculated does not match</Message></Error><RequestId>abc</RequestId>"
                      "</ErrorResponse>";
    athena_error e;
    aws_error_from_response(&e, 403, "text/xml", xml, strlen(xml), "");
    CHECK_STR(e.code, "SignatureDoesNotMatch");
    CHECK_STR(e.message, "The request signature we calculated does not match");
    CHECK_STR(e.request_id, "abc");
    CHECK_INT(e.status, ATHENA_E_AUTH);

    const char *denied = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: "
                         "arn:aws:iam::123456789012:user/u is not authorized to perform: "
                         "athena:ListQueryExecutions</Message></Error></ErrorResponse>";
    aws_error_from_response(&e, 403, "text/xml", denied, strlen(denied), "");
    CHECK_INT(e.status, ATHENA_E_ACCESS_DENIED);
    CHECK(strstr(e.message, "athena:ListQueryExecutions") != NULL);

    const char *html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    aws_error_from_response(&e, 502, "text/html", html, strlen(html), "");
    CHECK_STR(e.code, "HTTP502");
    CHECK(strstr(e.message, "502 Bad Gateway") != NULL);
    CHECK(strstr(e.message, "text/html") != NULL);
    CHECK(e.retryable);
    CHECK_INT(e.status, ATHENA_E_SERVICE);

    aws_error_from_response(&e, 403, "", "", 0, "");
    CHECK_INT(e.status, ATHENA_E_ACCESS_DENIED);
    CHECK(e.message[0] != '\0');

    const char *garbage = "{not json";
    aws_error_from_response(&e, 400, "application/json", garbage, strlen(garbage), "");
    CHECK_STR(e.code, "HTTP400");
    CHECK(!e.retryable);
}

static void test_code_trimming(void)
{
    char out[64];
    aws_error_trim_code("aws.protocoljson#SomeError", out, sizeof out);
    CHECK_STR(out, "SomeError");
    aws_error_trim_code("SomeError:http://internal.amazon.com/coral/", out, sizeof out);
    CHECK_STR(out, "SomeError");
    aws_error_trim_code("ns#Code:extra", out, sizeof out);
    CHECK_STR(out, "Code");
    aws_error_trim_code("Plain", out, sizeof out);
    CHECK_STR(out, "Plain");
}

static void test_classification(void)
{
    const char *throttles[] = {"ThrottlingException", "TooManyRequestsException", "Throttling",
                               "RequestLimitExceeded"};
    for (size_t i = 0; i < 4; i++) {
        CHECK(aws_error_is_throttling(throttles[i], 400));
        CHECK(aws_error_is_retryable(throttles[i], 400));
    }
    CHECK(aws_error_is_throttling("", 429));
    CHECK(aws_error_is_retryable("", 500));
    CHECK(aws_error_is_retryable("", 503));
    CHECK(aws_error_is_retryable("InternalServerException", 500));
    CHECK(!aws_error_is_retryable("InvalidRequestException", 400));
    CHECK(!aws_error_is_retryable("AccessDeniedException", 400));
    CHECK(!aws_error_is_retryable("", 501));
}

static athena_error make(athena_status st, const char *code, int retryable)
{
    athena_error e;
    memset(&e, 0, sizeof e);
    e.status = st;
    snprintf(e.code, sizeof e.code, "%s", code);
    e.retryable = retryable;
    return e;
}

static void test_retry_decisions(void)
{
    retry_quota q;
    retry_quota_init(&q);
    athena_error throttled = make(ATHENA_E_SERVICE, "ThrottlingException", 1);
    athena_error invalid = make(ATHENA_E_SERVICE, "InvalidRequestException", 0);
    athena_error refused = make(ATHENA_E_NETWORK, TRANSPORT_CODE_CONNECT, 1);
    athena_error timeout = make(ATHENA_E_NETWORK, TRANSPORT_CODE_TIMEOUT, 1);

    CHECK_INT(retry_decide(&q, &throttled, 1, 1, 3), RETRY_COST);
    CHECK_INT(retry_decide(&q, &refused, 1, 2, 3), RETRY_COST);
    CHECK_INT(retry_decide(&q, &timeout, 1, 1, 3), RETRY_TIMEOUT_COST);
    CHECK_INT(retry_decide(&q, &throttled, 1, 3, 3), 0);  /* attempts used up */
    CHECK_INT(retry_decide(&q, &invalid, 1, 1, 3), 0);    /* not retryable */
    CHECK_INT(retry_decide(&q, &throttled, 0, 1, 3), 0);  /* not idempotent */
    CHECK_INT(retry_decide(&q, &throttled, 1, 1, 1), 0);  /* max_attempts 1 */
    CHECK_INT(q.available, RETRY_QUOTA_INITIAL - 2 * RETRY_COST - RETRY_TIMEOUT_COST);

    /* The quota runs dry under sustained failure, then refills on success. */
    retry_quota_init(&q);
    int granted = 0;
    while (retry_decide(&q, &throttled, 1, 1, 3))
        granted++;
    CHECK_INT(granted, RETRY_QUOTA_INITIAL / RETRY_COST);
    retry_quota_refund(&q, RETRY_COST);
    CHECK(retry_decide(&q, &throttled, 1, 1, 3) == RETRY_COST);
    for (int i = 0; i < 1000; i++)
        retry_quota_success(&q);
    CHECK_INT(q.available, RETRY_QUOTA_INITIAL);
}

static void test_backoff_bounds(void)
{
    for (int attempt = 1; attempt <= 40; attempt++) {
        long ceiling = attempt >= 16 ? RETRY_MAX_BACKOFF_MS : 1000L << (attempt - 1);
        if (ceiling > RETRY_MAX_BACKOFF_MS)
            ceiling = RETRY_MAX_BACKOFF_MS;
        CHECK_INT(retry_backoff_ms(attempt, 0.0), 0);
        long high = retry_backoff_ms(attempt, 0.9999999);
        CHECK(high <= ceiling);
        CHECK(high >= ceiling - 1);
        long mid = retry_backoff_ms(attempt, 0.5);
        CHECK(mid >= ceiling / 2 - 1 && mid <= ceiling / 2 + 1);
    }
    CHECK_INT(retry_backoff_ms(1, 0.5), 500);
    CHECK_INT(retry_backoff_ms(2, 0.5), 1000);
    CHECK(retry_backoff_ms(6, 0.9999999) <= RETRY_MAX_BACKOFF_MS);
    CHECK(retry_backoff_ms(1000, 1.5) <= RETRY_MAX_BACKOFF_MS); /* clamped input */
    CHECK_INT(retry_backoff_ms(0, -1.0), 0);
}

int main(void)
{
    RUN(test_json_error_parsing);
    RUN(test_xml_and_other_bodies);
    RUN(test_code_trimming);
    RUN(test_classification);
    RUN(test_retry_decisions);
    RUN(test_backoff_bounds);
    return test_summary();
}
