/*
 * test_crypto.c: the OpenSSL wrappers of crypto.h: SHA-256 and HMAC against
 * known vectors, constant-time comparison, zeroing, randomness and UUIDs
 * (including across a refill of their per-thread pool and a fork).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "test.h"

static void test_hashes(void)
{
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex(NULL, 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_INT(sha256_hex_checked("abc", 3, hex), 0);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unsigned char mac[32];
    hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac); /* RFC 4231 case 2 */
    hex_encode(mac, 32, hex);
    CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK_INT(hmac_sha256_checked(NULL, 0, NULL, 0, mac), 0); /* empty key and data */
    hex_encode(mac, 32, hex);
    CHECK_STR(hex, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

/* The raw digest, a key longer than a block, and many calls in a row (the
 * algorithms are fetched once and reused). */
static void test_raw_digest_and_long_key(void)
{
    unsigned char md[32];
    char hex[SHA256_HEX_LEN + 1];
    CHECK_INT(sha256_checked("abc", 3, md), 0);
    hex_encode(md, sizeof md, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unsigned char key[131];
    memset(key, 0xaa, sizeof key);
    static const char data[] = "Test Using Larger Than Block-Size Key - Hash Key First";
    for (int i = 0; i < 3; i++) { /* RFC 4231 case 6 */
        CHECK_INT(hmac_sha256_checked(key, sizeof key, data, sizeof data - 1, md), 0);
        hex_encode(md, sizeof md, hex);
        CHECK_STR(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }
}

static void test_compare_and_zero(void)
{
    CHECK(const_time_eq("abcd", "abcd", 4));
    CHECK(!const_time_eq("abcd", "abce", 4));
    CHECK(const_time_eq("x", "y", 0));
    char secret[] = "secret";
    secure_zero(secret, sizeof secret);
    CHECK(secret[0] == 0 && secret[5] == 0);
    secure_free_str(strdup("secret"));
    secure_free_str(NULL);
}

static int is_uuid_v4(const char *u)
{
    if (strlen(u) != 36 || u[14] != '4' || !strchr("89ab", u[19]))
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
            return 0;
    }
    return 1;
}

static void test_uuid_v4(void)
{
    char a[37], b[37];
    REQUIRE(uuid_v4(a) == 0 && uuid_v4(b) == 0);
    CHECK(is_uuid_v4(a));
    CHECK(is_uuid_v4(b));
    CHECK(strcmp(a, b) != 0);
    unsigned char r[64] = {0}, zero[64] = {0};
    CHECK_INT(random_bytes(r, sizeof r), 0);
    CHECK(memcmp(r, zero, sizeof r) != 0);
}

/* More UUIDs than one refill of the per-thread pool: all valid, all distinct. */
static void test_uuid_v4_many(void)
{
    enum { COUNT = 100 };
    static char ids[COUNT][37];
    for (int i = 0; i < COUNT; i++) {
        REQUIRE(uuid_v4(ids[i]) == 0);
        CHECK(is_uuid_v4(ids[i]));
        for (int j = 0; j < i; j++)
            CHECK(strcmp(ids[i], ids[j]) != 0);
    }
}

/* A forked child must not hand out the UUIDs its parent is about to. */
static void test_uuid_v4_after_fork(void)
{
    char before[37], parent[37], child[37] = "";
    REQUIRE(uuid_v4(before) == 0); /* the pool now holds bytes to inherit */
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        char id[37];
        int ok = uuid_v4(id) == 0 && write(fds[1], id, sizeof id) == (ssize_t)sizeof id;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    CHECK(read(fds[0], child, sizeof child) == (ssize_t)sizeof child);
    close(fds[0]);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    REQUIRE(uuid_v4(parent) == 0);
    CHECK(is_uuid_v4(child));
    CHECK(strcmp(child, parent) != 0);
    CHECK(strcmp(child, before) != 0);
}

static void test_hex(void)
{
    const unsigned char bytes[] = {0x00, 0x7f, 0xab, 0xff};
    char text[9];
    hex_encode(bytes, sizeof bytes, text);
    CHECK_STR(text, "007fabff");
    unsigned char back[4];
    CHECK_INT(hex_decode_lower(text, 8, back), 0);
    CHECK(memcmp(back, bytes, sizeof bytes) == 0);
    CHECK_INT(hex_decode_lower("007FABFF", 8, back), -1); /* only what hex_encode writes */
    CHECK_INT(hex_decode_lower("abc", 3, back), -1);
    CHECK_INT(hex_decode_lower("zz", 2, back), -1);
    CHECK_INT(hex_digit_value('7'), 7);
    CHECK_INT(hex_digit_value('b'), 11);
    CHECK_INT(hex_digit_value('F'), 15);
    CHECK_INT(hex_digit_value('g'), -1);
}

int main(void)
{
    RUN(test_hashes);
    RUN(test_hex);
    RUN(test_raw_digest_and_long_key);
    RUN(test_compare_and_zero);
    RUN(test_uuid_v4);
    RUN(test_uuid_v4_many);
    RUN(test_uuid_v4_after_fork);
    return test_summary();
}
