/*
 * libgxca — the umbrella header. Include this one.
 *
 * libgxca carries the certificate and electronic-seal business of the
 * Jiangsu Guoxin CA (国信CA) service on the Nantong public resource trading
 * platform. See gxca(3).
 */
#ifndef GXCA_H
#define GXCA_H

#include <gxca/common.h>
#include <gxca/error.h>
#include <gxca/ctx.h>
#include <gxca/report.h>
#include <gxca/policy.h>
#include <gxca/identity.h>
#include <gxca/tariff.h>
#include <gxca/material.h>
#include <gxca/application.h>
#include <gxca/key.h>
#include <gxca/eseal.h>
#include <gxca/image.h>
#include <gxca/seal.h>
#include <gxca/token.h>
#include <gxca/envelope.h>
#include <gxca/login.h>
#include <gxca/cert.h>
#include <gxca/ca.h>

#endif /* GXCA_H */
