/* tools/cli.h — shared by the gxca command's source files (being written). */
#ifndef GXCA_CLI_H
#define GXCA_CLI_H
#include <gxca/gxca.h>
#endif
