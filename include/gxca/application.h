/* libgxca — application (being written). */
#ifndef GXCA_APPLICATION_H
#define GXCA_APPLICATION_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/report.h>

GXCA_BEGIN_DECLS

GXCA_END_DECLS

#endif /* GXCA_APPLICATION_H */
