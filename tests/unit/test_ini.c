/*
 * test_ini.c: the AWS shared config/credentials file parser (src/lib/ini.c):
 * comments, whitespace, continuation lines, sub-sections, section naming in
 * each kind of file, malformed input, secret handling and file loading.
 */
#include "ini.h"
#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Collects parser warnings. */
typedef struct warnings {
    int count;
    char text[4096];
} warnings;

static void collect(void *user_data, const char *message)
{
    warnings *w = user_data;
    w->count++;
    size_t used = strlen(w->text);
    snprintf(w->text + used, sizeof w->text - used, "%s\n", message);
}

static ini_file *parse(const char *text, ini_file_kind kind, warnings *w)
{
    return ini_parse(text, strlen(text), kind, "test", collect, w);
}

static void test_comments_and_whitespace(void)
{
    warnings w = {0};
    ini_file *f = parse("# full-line hash comment\n"
                        "; full-line semicolon comment\n"
                        "  [default]   # comment after a header\n"
                        "region=us-west-2\n"
                        "output\t=\tjson\t\n"
                        "a = value # inline comment\n"
                        "b = value ; inline comment\n"
                        "c = x#y;z\n"
                        "d =   spaced   value   \r\n"
                        "e =\n"
                        "   # indented comment\n"
                        "\n",
                        INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    const ini_section *s = ini_find_profile(f, "default");
    REQUIRE(s);
    CHECK_STR(ini_get(s, "region"), "us-west-2");
    CHECK_STR(ini_get(s, "output"), "json");
    CHECK_STR(ini_get(s, "a"), "value");
    CHECK_STR(ini_get(s, "b"), "value");
    CHECK_STR(ini_get(s, "c"), "x#y;z");
    CHECK_STR(ini_get(s, "d"), "spaced   value");
    CHECK_STR(ini_get(s, "e"), "");
    CHECK(ini_get(s, "Region") == NULL); /* keys are case-sensitive */
    CHECK(ini_get(s, "missing") == NULL);
    CHECK_INT(w.count, 0);
    ini_free(f);
}

static void test_continuation_lines(void)
{
    warnings w = {0};
    ini_file *f = parse("[default]\n"
                        "long = first\n"
                        "  second\n"
                        "\tthird  \n"
                        "next = 1\n",
                        INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    const ini_section *s = ini_find_profile(f, "default");
    CHECK_STR(ini_get(s, "long"), "first\nsecond\nthird");
    CHECK_STR(ini_get(s, "next"), "1");
    CHECK_INT(w.count, 0);
    ini_free(f);
}

static void test_sub_sections(void)
{
    warnings w = {0};
    ini_file *f = parse("[profile dev]\n"
                        "s3 =\n"
                        "  max_concurrency = 10\n"
                        "  addressing_style = path # comment\n"
                        "region = eu-west-1\n"
                        "[services local]\n"
                        "athena =\n"
                        "  endpoint_url = http://localhost:4566\n"
                        "\n"
                        "glue =\n"
                        "  endpoint_url = http://localhost:4567\n",
                        INI_CONFIG_FILE, &w);
    REQUIRE(f);
    const ini_section *dev = ini_find_profile(f, "dev");
    REQUIRE(dev);
    CHECK_STR(ini_get(dev, "s3"), "");
    CHECK_STR(ini_get_sub(dev, "s3", "max_concurrency"), "10");
    CHECK_STR(ini_get_sub(dev, "s3", "addressing_style"), "path");
    CHECK(ini_get_sub(dev, "s3", "missing") == NULL);
    CHECK_STR(ini_get(dev, "region"), "eu-west-1");
    const ini_section *svc = ini_find_services(f, "local");
    REQUIRE(svc);
    CHECK_STR(ini_get_sub(svc, "athena", "endpoint_url"), "http://localhost:4566");
    CHECK_STR(ini_get_sub(svc, "glue", "endpoint_url"), "http://localhost:4567");
    CHECK(ini_find_profile(f, "local") == NULL);
    CHECK_INT(w.count, 0);
    ini_free(f);
}

static void test_config_file_section_names(void)
{
    warnings w = {0};
    ini_file *f = parse("[default]\nregion = from-bare-default\n"
                        "[profile default]\nregion = from-profile-default\n"
                        "[bare]\nregion = ignored\n"
                        "[ profile   spaced ]\nregion = spaced-region\n"
                        "[profile]\nregion = ignored\n"
                        "[sso-session corp]\nsso_region = us-east-1\n"
                        "[profilex]\nregion = ignored\n",
                        INI_CONFIG_FILE, &w);
    REQUIRE(f);
    CHECK_STR(ini_get(ini_find_profile(f, "default"), "region"), "from-profile-default");
    CHECK(ini_find_profile(f, "bare") == NULL);
    CHECK_STR(ini_get(ini_find_profile(f, "spaced"), "region"), "spaced-region");
    CHECK(ini_find_profile(f, "corp") == NULL);
    CHECK(ini_find_profile(f, "sso-session corp") == NULL);
    CHECK(ini_find_profile(f, "profilex") == NULL);
    CHECK(ini_find_profile(f, "x") == NULL);
    ini_free(f);

    /* [default] alone is the default profile of the config file. */
    f = parse("[default]\nregion = bare\n", INI_CONFIG_FILE, &w);
    REQUIRE(f);
    CHECK_STR(ini_get(ini_find_profile(f, "default"), "region"), "bare");
    ini_free(f);
    CHECK_INT(w.count, 0);
}

static void test_credentials_file_section_names(void)
{
    warnings w = {0};
    ini_file *f = parse("[default]\naws_access_key_id = A\n"
                        "[dev]\naws_access_key_id = B\n",
                        INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    CHECK_STR(ini_get(ini_find_profile(f, "default"), "aws_access_key_id"), "A");
    CHECK_STR(ini_get(ini_find_profile(f, "dev"), "aws_access_key_id"), "B");
    CHECK(ini_find_services(f, "dev") == NULL);
    ini_free(f);
}

static void test_repeats_last_wins(void)
{
    warnings w = {0};
    ini_file *f = parse("[default]\nregion = one\noutput = json\n"
                        "[other]\nregion = other\n"
                        "[default]\nregion = two\n",
                        INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    const ini_section *s = ini_find_profile(f, "default");
    CHECK_STR(ini_get(s, "region"), "two");
    CHECK_STR(ini_get(s, "output"), "json");
    CHECK_INT(f->count, 2);
    ini_free(f);
}

static void test_malformed_lines_warn(void)
{
    warnings w = {0};
    ini_file *f = parse("orphan = before any section\n"
                        "[default]\n"
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETLINE\n"
                        "= no key\n"
                        "good = yes\n"
                        "sub =\n"
                        "  no equals in sub-section\n"
                        "[unterminated\n"
                        "dropped = silently\n"
                        "[ok] trailing garbage\n"
                        "[]\n"
                        "[after]\n"
                        "fine = 1\n",
                        INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    CHECK_INT(w.count, 7);
    CHECK(strstr(w.text, "test line 1:") != NULL);
    CHECK(strstr(w.text, "test line 3:") != NULL);
    CHECK(strstr(w.text, "SECRETLINE") == NULL); /* never quote file content */
    CHECK_STR(ini_get(ini_find_profile(f, "default"), "good"), "yes");
    CHECK(ini_get(ini_find_profile(f, "default"), "dropped") == NULL);
    CHECK(ini_find_profile(f, "ok") == NULL);
    CHECK_STR(ini_get(ini_find_profile(f, "after"), "fine"), "1");
    ini_free(f);
}

static void test_odd_input_does_not_crash(void)
{
    warnings w = {0};
    const char *inputs[] = {"", "\n\n\n", "[", "]", "=", " = ", "\t\t", "[a]\n =\n  =\n",
                            "[a]\nk = v\n  \n  cont", "[a]\nk =\n  x = 1\n  cont without eq",
                            "\xEF\xBB\xBF[bom]\nk = v"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        ini_file *f = parse(inputs[i], INI_CREDENTIALS_FILE, &w);
        CHECK(f != NULL);
        ini_free(f);
    }
    ini_file *f = parse("\xEF\xBB\xBF[bom]\nk = v", INI_CREDENTIALS_FILE, &w);
    REQUIRE(f);
    CHECK_STR(ini_get(ini_find_profile(f, "bom"), "k"), "v");
    ini_free(f);

    /* Arbitrary bytes, including NULs inside the length. */
    char noise[4096];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        seed = seed * 1103515245u + 12345u;
        const char alphabet[] = "[]=#; \t\n\rab\0";
        noise[i] = alphabet[(seed >> 16) % (sizeof alphabet)];
    }
    f = ini_parse(noise, sizeof noise, INI_CONFIG_FILE, "noise", NULL, NULL);
    CHECK(f != NULL);
    ini_free(f);
}

static void test_secrets(void)
{
    warnings w = {0};
    ini_file *plain = parse("[default]\nregion = us-east-1\naws_access_key_id = AKID\n",
                            INI_CREDENTIALS_FILE, &w);
    ini_file *secret = parse("[default]\naws_secret_access_key = s\n", INI_CREDENTIALS_FILE, &w);
    ini_file *token = parse("[profile x]\naws_session_token = t\n", INI_CONFIG_FILE, &w);
    REQUIRE(plain && secret && token);
    CHECK(!ini_holds_secret(plain));
    CHECK(ini_holds_secret(secret));
    CHECK(ini_holds_secret(token));
    CHECK(!ini_holds_secret(NULL));
    ini_free(plain);
    ini_free(secret);
    ini_free(token);
}

static void test_merge_public(void)
{
    warnings w = {0};
    ini_file *creds = parse("[dev]\nregion = from-creds\nonly_creds = 1\n"
                            "aws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
                            INI_CREDENTIALS_FILE, &w);
    ini_file *config = parse("[profile dev]\nregion = from-config\n"
                             "s3 =\n  max_concurrency = 4\naws_session_token = TOKEN\n",
                             INI_CONFIG_FILE, &w);
    REQUIRE(creds && config);
    ini_section *m = ini_section_merge_public(ini_find_profile(creds, "dev"),
                                              ini_find_profile(config, "dev"));
    REQUIRE(m);
    CHECK_STR(ini_get(m, "region"), "from-config");
    CHECK_STR(ini_get(m, "only_creds"), "1");
    CHECK_STR(ini_get(m, "aws_access_key_id"), "AKID");
    CHECK(ini_get(m, "aws_secret_access_key") == NULL);
    CHECK(ini_get(m, "aws_session_token") == NULL);
    CHECK_STR(ini_get_sub(m, "s3", "max_concurrency"), "4");
    ini_section_free(m);

    ini_profile p = {"dev", config, ini_find_profile(config, "dev"), ini_find_profile(creds, "dev")};
    CHECK_STR(ini_profile_get(&p, "region"), "from-config");
    CHECK_STR(ini_profile_get(&p, "only_creds"), "1");
    CHECK(ini_profile_get(&p, "nothing") == NULL);

    m = ini_section_merge_public(NULL, NULL);
    REQUIRE(m);
    CHECK(ini_get(m, "region") == NULL);
    ini_section_free(m);
    ini_free(creds);
    ini_free(config);
}

static void test_load_file(void)
{
    char dir[] = "/tmp/test_ini_XXXXXX";
    REQUIRE(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/credentials", dir);

    warnings w = {0};
    ini_file *f = (ini_file *)1;
    unsigned mode = 1;
    CHECK_INT(ini_load_file(path, INI_CREDENTIALS_FILE, collect, &w, &f, &mode), 0);
    CHECK(f == NULL); /* missing: not an error, no warning */
    CHECK_INT(mode, 0);
    CHECK_INT(w.count, 0);

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    REQUIRE(fd >= 0);
    const char text[] = "[default]\nregion = ap-south-1";
    CHECK_INT(write(fd, text, sizeof text - 1), (long long)(sizeof text - 1));
    close(fd);
    chmod(path, 0640);
    CHECK_INT(ini_load_file(path, INI_CREDENTIALS_FILE, collect, &w, &f, &mode), 0);
    REQUIRE(f);
    CHECK_INT(mode, 0640);
    CHECK_STR(ini_get(ini_find_profile(f, "default"), "region"), "ap-south-1");
    ini_free(f);

    /* A directory where a file should be: warned about and ignored. */
    CHECK_INT(ini_load_file(dir, INI_CREDENTIALS_FILE, collect, &w, &f, &mode), 0);
    CHECK(f == NULL);
    CHECK_INT(w.count, 1);

    unlink(path);
    rmdir(dir);
}

int main(void)
{
    RUN(test_comments_and_whitespace);
    RUN(test_continuation_lines);
    RUN(test_sub_sections);
    RUN(test_config_file_section_names);
    RUN(test_credentials_file_section_names);
    RUN(test_repeats_last_wins);
    RUN(test_malformed_lines_warn);
    RUN(test_odd_input_does_not_crash);
    RUN(test_secrets);
    RUN(test_merge_public);
    RUN(test_load_file);
    return test_summary();
}
