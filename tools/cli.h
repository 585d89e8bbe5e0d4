/*
 * tools/cli.h — shared by the source files of the gxca command.
 *
 * Each group of commands lives in tools/cmd-<group>.c and exports one
 * function `int cmd_<group>(struct cli *c, int argc, char **argv)`, listed
 * in the table of tools/gxca.c. argv[0] is the group name; global options
 * (--json, --lang) are already removed. Exit codes: 0 success, 1 a negative
 * answer (invalid, not offered, verification failed), 2 usage or I/O error.
 */
#ifndef GXCA_CLI_H
#define GXCA_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <gxca/gxca.h>

#define CLI_OK 0
#define CLI_NO 1
#define CLI_USAGE 2

struct cli {
	gxca_ctx *ctx;
	bool json;   /* --json: machine output on stdout */
	int lang;    /* --lang zh|en */
};

typedef int (*cli_cmd_fn)(struct cli *c, int argc, char **argv);

/* Print the ctx's last error on stderr ("GXCA_NAME: message [field]") and
 * map the status to an exit code (2 for I/O, memory and internal failures,
 * 1 for every other answer of the library). */
int cli_fail(struct cli *c, int rc);
/* Print a usage error on stderr and return CLI_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text in the chosen language. */
const char *cli_tr(const struct cli *c, const char *zh, const char *en);
/* Read a whole file (NUL-terminated); NULL with a message on failure. Free with free(). */
char *cli_read_file(const char *path, size_t *len);
/* Write bytes to a file (mode 0644; "-" = stdout). 0 or -1 with a message. */
int cli_write_file(const char *path, const void *data, size_t len);
/* Parse a non-negative integer option; false with a usage message if bad. */
bool cli_parse_int(const char *opt, const char *s, long min, long max, long *out);
/* "YYYY-MM-DDTHH:MM" (or, with date_ok, "YYYY-MM-DD" for 00:00) in
 * Asia/Shanghai -> Unix time; false if malformed. */
bool cli_parse_time(struct cli *c, const char *s, bool date_ok, int64_t *t);
/* Print a report (problems) in text or JSON. */
void cli_print_report(struct cli *c, const gxca_report *r);
/* Print a JSON string (library output) followed by a newline. */
void cli_print_json(const char *json);
/* The option set of quote and materials: --applicant --business --item --years --count --change --proxy. */
struct cli_biz {
	int applicant, business, item;
	long years, count, seals;
	uint32_t change_flags;
	bool proxy;
};
/* Parse those options (getopt_long); returns 0 or CLI_USAGE. */
int cli_parse_biz(int argc, char **argv, struct cli_biz *b, const char *usage);

int cmd_check(struct cli *c, int argc, char **argv);
int cmd_sites(struct cli *c, int argc, char **argv);
int cmd_quote(struct cli *c, int argc, char **argv);
int cmd_materials(struct cli *c, int argc, char **argv);
int cmd_validate(struct cli *c, int argc, char **argv);
int cmd_app(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_ca(struct cli *c, int argc, char **argv);
int cmd_cert(struct cli *c, int argc, char **argv);
int cmd_token(struct cli *c, int argc, char **argv);
int cmd_seal(struct cli *c, int argc, char **argv);
int cmd_eseal(struct cli *c, int argc, char **argv);
int cmd_esign(struct cli *c, int argc, char **argv);
int cmd_envelope(struct cli *c, int argc, char **argv);
int cmd_login(struct cli *c, int argc, char **argv);

#endif
