/*
 * test_profile_file.c: how `athena connect` rewrites the AWS config and
 * credentials files (src/cli/profile_file.c): only the profile's own keys
 * change, other profiles, comments and unrelated keys stay byte for byte,
 * and the result reads back through libathena's own parser (ini.c). The
 * file side: mode 0600, atomic replacement, directories created.
 *
 * profile_file.c belongs to the CLI executable, so it is compiled into
 * this test directly.
 */
#include "profile_file.c"

#include "ini.h"
#include "test.h"

#include <sys/stat.h>

static const profile_setting settings[] = {
    {"region", "eu-west-1"},
    {"athena_workgroup", "dot"},
    {"athena_database", NULL}, /* removed */
};

static char *update(const char *text, profile_file_kind kind, const char *profile)
{
    return profile_text_update(text, strlen(text), kind, profile, settings, 3);
}

static void test_new_file(void)
{
    char *out = update("", PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "[profile dot]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    out = update("", PROFILE_CONFIG_FILE, "default");
    CHECK_STR(out, "[default]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    out = update("", PROFILE_CREDENTIALS_FILE, "dot");
    CHECK_STR(out, "[dot]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
}

static void test_other_profiles_untouched(void)
{
    const char *text = "# my settings\n"
                       "[default]\n"
                       "region = us-east-1 ; the default\n"
                       "\n"
                       "[profile prod]\n"
                       "region=us-west-2\n"
                       "output = json\n";
    char *out = update(text, PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "# my settings\n"
                   "[default]\n"
                   "region = us-east-1 ; the default\n"
                   "\n"
                   "[profile prod]\n"
                   "region=us-west-2\n"
                   "output = json\n"
                   "\n"
                   "[profile dot]\n"
                   "region = eu-west-1\n"
                   "athena_workgroup = dot\n");
    free(out);
}

static void test_existing_profile_keys_replaced(void)
{
    const char *text = "[profile dot]\n"
                       "region = us-east-1\n"
                       "output = table\n"
                       "athena_database = old\n"
                       "s3 =\n"
                       "  max_concurrent_requests = 4\n"
                       "# about prod\n"
                       "[profile prod]\n"
                       "region = us-west-2\n"
                       "athena_workgroup = prodwg\n";
    char *out = update(text, PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "[profile dot]\n"
                   "output = table\n"
                   "s3 =\n"
                   "  max_concurrent_requests = 4\n"
                   "region = eu-west-1\n"
                   "athena_workgroup = dot\n"
                   "# about prod\n"
                   "[profile prod]\n"
                   "region = us-west-2\n"
                   "athena_workgroup = prodwg\n");
    free(out);
}

static void test_continuation_lines_of_replaced_keys_dropped(void)
{
    const char *text = "[profile dot]\n"
                       "region =\n"
                       "  nested = 1\n"
                       "other = 2\n";
    char *out = update(text, PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "[profile dot]\nother = 2\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
}

static void test_repeated_and_default_sections(void)
{
    /* [profile default] wins over [default] when both exist (as ini.c reads
     * them); a header that repeats continues the same profile. */
    const char *text = "[profile default]\nregion = a\n[x]\nk = v\n[default]\nregion = b\n"
                       "[profile default]\nregion = c\n";
    char *out = update(text, PROFILE_CONFIG_FILE, "default");
    CHECK_STR(out, "[profile default]\n[x]\nk = v\n[default]\nregion = b\n"
                   "[profile default]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    out = update("[x]\nk = v\n[default]\nregion = b\n", PROFILE_CONFIG_FILE, "default");
    CHECK_STR(out, "[x]\nk = v\n[default]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    /* In the credentials file "[profile dot]" is not profile dot. */
    out = update("[profile dot]\nregion = a", PROFILE_CREDENTIALS_FILE, "dot");
    CHECK_STR(out, "[profile dot]\nregion = a\n\n[dot]\nregion = eu-west-1\n"
                   "athena_workgroup = dot\n");
    free(out);
    /* A last line without a newline gets one before the new keys. */
    out = update("[profile dot]\nother = 1", PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "[profile dot]\nother = 1\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    /* "[profile   dot ]" is the same profile. */
    out = update("[profile   dot ]\nregion = x\n", PROFILE_CONFIG_FILE, "dot");
    CHECK_STR(out, "[profile   dot ]\nregion = eu-west-1\nathena_workgroup = dot\n");
    free(out);
    /* Another profile whose name starts the same is not touched. */
    out = update("[profile dotty]\nregion = x\n", PROFILE_CONFIG_FILE, "dot");
    CHECK(out && strstr(out, "[profile dotty]\nregion = x\n") == out);
    free(out);
}

static void test_result_reads_back(void)
{
    const char *text = "[profile dot]\nregion = us-east-1\n[profile prod]\nregion = r2\n";
    char *out = update(text, PROFILE_CONFIG_FILE, "dot");
    REQUIRE(out != NULL);
    ini_file *ini = ini_parse(out, strlen(out), INI_CONFIG_FILE, "config", NULL, NULL);
    REQUIRE(ini != NULL);
    CHECK_STR(ini_get(ini_find_profile(ini, "dot"), "region"), "eu-west-1");
    CHECK_STR(ini_get(ini_find_profile(ini, "dot"), "athena_workgroup"), "dot");
    CHECK_STR(ini_get(ini_find_profile(ini, "prod"), "region"), "r2");
    ini_free(ini);
    free(out);
}

static void test_names_and_values(void)
{
    CHECK(profile_name_valid("dot_athena-user.1"));
    CHECK(!profile_name_valid(""));
    CHECK(!profile_name_valid("a b"));
    CHECK(!profile_name_valid("x]"));
    CHECK(!profile_name_valid("a\nb"));
    CHECK(profile_value_valid("s3://bucket/prefix/"));
    CHECK(!profile_value_valid("a\nregion = evil"));
    CHECK(!profile_value_valid(" padded"));
}

static void test_file_update(void)
{
    char dir[] = "/tmp/test-profile-file-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    char path[512], message[512];
    snprintf(path, sizeof path, "%s/sub/credentials", dir);
    profile_setting keys[] = {{"aws_access_key_id", "AKIAEXAMPLEEXAMPLE12"},
                              {"aws_secret_access_key", "s3cr3t/+value"}};
    CHECK_INT(profile_file_update(path, PROFILE_CREDENTIALS_FILE, "dot", keys, 2, message,
                                  sizeof message), 0);
    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    char sub[512];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    REQUIRE(stat(sub, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0700);
    /* An existing file with loose permissions comes back 0600, other
     * profiles kept. */
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fputs("[other]\naws_access_key_id = X\n", f);
    fclose(f);
    chmod(path, 0644);
    CHECK_INT(profile_file_update(path, PROFILE_CREDENTIALS_FILE, "dot", keys, 2, message,
                                  sizeof message), 0);
    REQUIRE(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    char text[512] = "";
    f = fopen(path, "r");
    REQUIRE(f != NULL);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    CHECK_STR(text, "[other]\naws_access_key_id = X\n\n[dot]\naws_access_key_id = "
                    "AKIAEXAMPLEEXAMPLE12\naws_secret_access_key = s3cr3t/+value\n");
    /* No temporary file is left behind. */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", sub);
    CHECK_INT(system(cmd), 0);
    /* A directory that cannot be created is an error with a message. */
    CHECK_INT(profile_file_update("/proc/no/such/credentials", PROFILE_CREDENTIALS_FILE, "dot",
                                  keys, 2, message, sizeof message), -1);
    CHECK(strstr(message, "cannot") != NULL);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

static void test_file_paths(void)
{
    char path[512];
    setenv("HOME", "/home/someone", 1);
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    CHECK_INT(profile_file_path(PROFILE_CONFIG_FILE, path, sizeof path), 0);
    CHECK_STR(path, "/home/someone/.aws/config");
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/creds", 1);
    CHECK_INT(profile_file_path(PROFILE_CREDENTIALS_FILE, path, sizeof path), 0);
    CHECK_STR(path, "/home/someone/creds");
    setenv("AWS_CONFIG_FILE", "/etc/aws-config", 1);
    CHECK_INT(profile_file_path(PROFILE_CONFIG_FILE, path, sizeof path), 0);
    CHECK_STR(path, "/etc/aws-config");
}

int main(void)
{
    RUN(test_new_file);
    RUN(test_other_profiles_untouched);
    RUN(test_existing_profile_keys_replaced);
    RUN(test_continuation_lines_of_replaced_keys_dropped);
    RUN(test_repeated_and_default_sections);
    RUN(test_result_reads_back);
    RUN(test_names_and_values);
    RUN(test_file_update);
    RUN(test_file_paths);
    return test_summary();
}
