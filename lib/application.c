/* lib/application.c — being written. */
#include "gxca-private.h"
