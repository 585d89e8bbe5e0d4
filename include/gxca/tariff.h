/* libgxca — tariff (being written). */
#ifndef GXCA_TARIFF_H
#define GXCA_TARIFF_H

#include <gxca/common.h>
#include <gxca/ctx.h>
#include <gxca/report.h>

GXCA_BEGIN_DECLS

GXCA_END_DECLS

#endif /* GXCA_TARIFF_H */
