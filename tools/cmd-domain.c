/*
 * tools/cmd-domain.c — gxca quote | materials | validate | app (being written).
 */
#include "cli.h"

int cmd_quote(struct cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return cli_usage("quote: not yet available"); }
int cmd_materials(struct cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return cli_usage("materials: not yet available"); }
int cmd_validate(struct cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return cli_usage("validate: not yet available"); }
int cmd_app(struct cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return cli_usage("app: not yet available"); }
