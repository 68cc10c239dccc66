/*
 * glue_name_pattern.c: the table-name pattern of Glue's GetTables (see
 * glue_expression.h). Glue documents Expression as a regular expression;
 * like Hive's metastore it also takes a bare '*' as "any characters"
 * ("sales*"). The pattern becomes an anchored, case-insensitive POSIX
 * extended regular expression, with Perl's \d, \w and \s classes
 * translated and back-references refused (they can take exponential time).
 */
#include "glue_expression.h"

#include "buf.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>

struct glue_name_pattern {
    regex_t regex;
};

/* The POSIX form of a Perl-style class escape (\d, \w, \s and negations). */
static const char *class_escape(char c)
{
    switch (c) {
    case 'd': return "[0-9]";
    case 'D': return "[^0-9]";
    case 'w': return "[[:alnum:]_]";
    case 'W': return "[^[:alnum:]_]";
    case 's': return "[[:space:]]";
    case 'S': return "[^[:space:]]";
    default: return NULL;
    }
}

/* Rewrites pattern as an anchored POSIX extended regex: a '*' that follows
 * no '.', ')' or ']' is Hive's wildcard and becomes ".*". */
static int translate_pattern(const char *pattern, buf *out, char *err, size_t err_cap)
{
    int rc = buf_puts(out, "^(");
    char prev = '\0';
    for (const char *s = pattern; *s && rc == 0; s++) {
        if (*s == '\\') {
            char c = s[1];
            if (c == '\0' || isdigit((unsigned char)c)) {
                snprintf(err, err_cap, c ? "back-references (\\%c) are not supported"
                                         : "the pattern ends with a lone backslash", c);
                return -1;
            }
            const char *cls = class_escape(c);
            rc = cls ? buf_puts(out, cls) : buf_printf(out, "\\%c", c);
            prev = 'x';   /* an escaped character is an atom */
            s++;
            continue;
        }
        if (*s == '*' && prev != '.' && prev != ')' && prev != ']')
            rc = buf_puts(out, ".*");
        else
            rc = buf_putc(out, *s);
        prev = *s;
    }
    rc = rc ? rc : buf_puts(out, ")$");
    if (rc)
        snprintf(err, err_cap, "out of memory");
    return rc ? -1 : 0;
}

glue_name_pattern *glue_name_pattern_compile(const char *pattern, char *err, size_t err_cap)
{
    buf regex = BUF_INIT;
    glue_name_pattern *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_cap, "out of memory");
        return NULL;
    }
    if (translate_pattern(pattern ? pattern : "", &regex, err, err_cap) != 0) {
        buf_free(&regex);
        free(p);
        return NULL;
    }
    int rc = regcomp(&p->regex, buf_str(&regex), REG_EXTENDED | REG_ICASE | REG_NOSUB);
    buf_free(&regex);
    if (rc != 0) {
        char why[200];
        regerror(rc, &p->regex, why, sizeof why);
        snprintf(err, err_cap, "'%.200s' is not a valid pattern: %s", pattern, why);
        free(p);
        return NULL;
    }
    return p;
}

int glue_name_pattern_matches(const glue_name_pattern *p, const char *name)
{
    return p && name && regexec(&p->regex, name, 0, NULL, 0) == 0;
}

void glue_name_pattern_free(glue_name_pattern *p)
{
    if (!p)
        return;
    regfree(&p->regex);
    free(p);
}
