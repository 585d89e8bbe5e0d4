/*
 * tools/cmd-demo.c — gxca demo (being written).
 */
#include "cli.h"

int cmd_demo(struct cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return cli_usage("demo: not yet available"); }
