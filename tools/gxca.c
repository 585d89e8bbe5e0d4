/* tools/gxca.c — the gxca command (being written). */
#include <stdio.h>
#include "cli.h"
int main(void) { printf("gxca %s\n", gxca_version()); return 0; }
