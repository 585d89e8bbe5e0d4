/*
 * lib/ca-revoke.c — revocation (request within 8 h, approval, revocation
 * within 24 h of approval; domain.md §8), CRLs, registry queries.
 */
#include "ca-private.h"
#include "policy-private.h"

#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>

struct gxca_ca_record {
	gxca_ctx *ctx;
	struct gxca__cert_row row;
};

struct gxca_ca_records {
	gxca_ctx *ctx;
	struct gxca_ca_record *rec;
	size_t n, cap;
};

static int64_t now_or(int64_t t)
{
	return t ? t : (int64_t)time(NULL);
}

/* ---- revocation -------------------------------------------------------------------- */

enum rev_step { REV_REQUEST, REV_APPROVE, REV_REVOKE };

struct rev_job {
	gxca_ca *ca;
	enum rev_step step;
	const char *serial;
	int reason; /* -1: keep the request's */
	int64_t incident_at, at;
};

static int rev_apply(struct rev_job *j, struct gxca__cert_row *row)
{
	const struct gxca_policy *p = j->ca->ctx->policy;
	switch (j->step) {
	case REV_REQUEST:
		row->reason = j->reason;
		row->incident_at = j->incident_at;
		row->requested_at = j->at;
		row->request_deadline = j->incident_at ? j->incident_at + (int64_t)p->revocation_request_hours * 3600 : 0;
		break;
	case REV_APPROVE:
		if (!row->requested_at)
			return gxca__failf(j->ca->ctx, GXCA_ECA_CERT_STATE, "serial", "证书 %s 没有注销申请",
					   "certificate %s has no revocation request", j->serial);
		row->approved_at = j->at;
		row->revoke_deadline = j->at + (int64_t)p->revocation_hours * 3600;
		break;
	case REV_REVOKE:
		row->reason = j->reason >= 0 ? j->reason : row->reason >= 0 ? row->reason : GXCA_REASON_UNSPECIFIED;
		row->status = GXCA__ST_REVOKED;
		row->revoked_at = j->at;
		break;
	}
	return GXCA_OK;
}

static int rev_txn(struct gxca__registry *reg, void *arg)
{
	struct rev_job *j = arg;
	struct gxca__cert_row row;
	int rc = reg->ops->cert_get(reg, j->serial, false, &row);
	if (rc)
		return rc;
	if (row.status == GXCA__ST_REVOKED)
		rc = gxca__failf(j->ca->ctx, GXCA_ECA_REVOKED, "serial", "证书 %s 已注销", "certificate %s is already revoked",
				 j->serial);
	if (!rc)
		rc = rev_apply(j, &row);
	if (!rc)
		rc = reg->ops->revocation_put(reg, &row);
	gxca__cert_row_clear(&row);
	return rc;
}

static int check_reason(gxca_ctx *ctx, int reason, bool keep_allowed)
{
	if ((keep_allowed && reason == -1) ||
	    (gxca_revocation_reason_name(reason) && reason != GXCA_REASON_REMOVE_FROM_CRL &&
	     reason != GXCA_REASON_CERTIFICATE_HOLD))
		return GXCA_OK;
	return gxca__failf(ctx, GXCA_EINVAL, "reason", "注销原因 %d 无效", "invalid revocation reason %d", reason);
}

static int revocation(gxca_ca *ca, struct rev_job *j)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	char norm[GXCA__SERIAL_MAX];
	int rc = gxca__ca_serial_arg(ca->ctx, j->serial, norm);
	if (!rc && j->step != REV_APPROVE)
		rc = check_reason(ca->ctx, j->reason, j->step == REV_REVOKE);
	if (!rc && (j->at < 0 || j->incident_at < 0))
		rc = gxca__fail(ca->ctx, GXCA_ERANGE, "at", "时间无效", "invalid time");
	if (rc)
		return rc;
	j->ca = ca;
	j->serial = norm;
	j->at = now_or(j->at);
	return gxca__registry_txn(ca->reg, true, rev_txn, j);
}

int gxca_ca_revoke_request(gxca_ca *ca, const char *serial, int reason, int64_t incident_at, int64_t requested_at)
{
	struct rev_job j = {.step = REV_REQUEST, .serial = serial, .reason = reason, .incident_at = incident_at,
			    .at = requested_at};
	return revocation(ca, &j);
}

int gxca_ca_revoke_approve(gxca_ca *ca, const char *serial, int64_t approved_at)
{
	struct rev_job j = {.step = REV_APPROVE, .serial = serial, .at = approved_at};
	return revocation(ca, &j);
}

int gxca_ca_revoke(gxca_ca *ca, const char *serial, int reason, int64_t revoked_at)
{
	struct rev_job j = {.step = REV_REVOKE, .serial = serial, .reason = reason, .at = revoked_at};
	return revocation(ca, &j);
}

/* ---- record lists ---------------------------------------------------------------------- */

void gxca_ca_record_free(gxca_ca_record *rec)
{
	if (!rec)
		return;
	gxca__cert_row_clear(&rec->row);
	gxca__free(rec);
}

void gxca_ca_records_free(gxca_ca_records *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		gxca__cert_row_clear(&list->rec[i].row);
	gxca__free(list->rec);
	gxca__free(list);
}

size_t gxca_ca_records_count(const gxca_ca_records *list) { return list ? list->n : 0; }

const gxca_ca_record *gxca_ca_records_get(const gxca_ca_records *list, size_t i)
{
	return list && i < list->n ? &list->rec[i] : NULL;
}

/* Move a row into the list. */
static int list_add(struct gxca__cert_row *row, void *arg)
{
	gxca_ca_records *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct gxca_ca_record *grown = gxca__realloc(l->rec, cap * sizeof *grown);
		if (!grown)
			return gxca__oom(l->ctx);
		l->rec = grown;
		l->cap = cap;
	}
	l->rec[l->n].ctx = l->ctx;
	l->rec[l->n++].row = *row;
	memset(row, 0, sizeof *row);
	return GXCA_OK;
}

struct list_job {
	gxca_ca_records *list;
	struct gxca__cert_filter filter;
};

static int list_txn(struct gxca__registry *reg, void *arg)
{
	struct list_job *j = arg;
	for (size_t i = 0; i < j->list->n; i++) /* a retried attempt starts afresh */
		gxca__cert_row_clear(&j->list->rec[i].row);
	j->list->n = 0;
	return reg->ops->cert_foreach(reg, &j->filter, list_add, j->list);
}

static int list_query(gxca_ca *ca, const struct gxca__cert_filter *f, gxca_ca_records **out)
{
	gxca_ca_records *l = gxca__calloc(1, sizeof *l);
	if (!l)
		return gxca__oom(ca->ctx);
	l->ctx = ca->ctx;
	struct list_job j = {.list = l, .filter = *f};
	int rc = gxca__registry_txn(ca->reg, false, list_txn, &j);
	if (rc) {
		gxca_ca_records_free(l);
		return rc;
	}
	*out = l;
	return GXCA_OK;
}

static int query_entry(gxca_ca *ca, gxca_ca_records **out)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out)
		return gxca__fail(ca->ctx, GXCA_EINVAL, "out", "参数为空", "NULL argument");
	*out = NULL;
	return GXCA_OK;
}

int gxca_ca_overdue(gxca_ca *ca, int64_t now, gxca_ca_records **out)
{
	int rc = query_entry(ca, out);
	if (!rc && now < 0)
		rc = gxca__fail(ca->ctx, GXCA_ERANGE, "now", "时间无效", "invalid time");
	struct gxca__cert_filter f = {.overdue_at = now_or(now)};
	return rc ? rc : list_query(ca, &f, out);
}

int gxca_ca_list(gxca_ca *ca, const char *application_id, gxca_ca_records **out)
{
	int rc = query_entry(ca, out);
	if (!rc && application_id)
		rc = gxca__check_str(ca->ctx, "application_id", application_id, 128);
	struct gxca__cert_filter f = {.application_id = application_id};
	return rc ? rc : list_query(ca, &f, out);
}

struct status_job {
	const char *serial;
	gxca_ca_record *rec;
};

static int status_txn(struct gxca__registry *reg, void *arg)
{
	struct status_job *j = arg;
	gxca__cert_row_clear(&j->rec->row);
	return reg->ops->cert_get(reg, j->serial, true, &j->rec->row);
}

int gxca_ca_status(gxca_ca *ca, const char *serial, gxca_ca_record **out)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out)
		return gxca__fail(ca->ctx, GXCA_EINVAL, "out", "参数为空", "NULL argument");
	*out = NULL;
	char norm[GXCA__SERIAL_MAX];
	int rc = gxca__ca_serial_arg(ca->ctx, serial, norm);
	gxca_ca_record *rec = rc ? NULL : gxca__calloc(1, sizeof *rec);
	if (!rc && !rec)
		rc = gxca__oom(ca->ctx);
	if (rc)
		return rc;
	rec->ctx = ca->ctx;
	struct status_job j = {.serial = norm, .rec = rec};
	if ((rc = gxca__registry_txn(ca->reg, false, status_txn, &j))) {
		gxca_ca_record_free(rec);
		return rc;
	}
	*out = rec;
	return GXCA_OK;
}

/* ---- record getters ------------------------------------------------------------------------ */

static const char *str_or_empty(const char *s) { return s ? s : ""; }

const char *gxca_ca_record_serial(const gxca_ca_record *r) { return r ? r->row.serial : ""; }
const char *gxca_ca_record_subject(const gxca_ca_record *r) { return r ? str_or_empty(r->row.subject) : ""; }
const char *gxca_ca_record_holder(const gxca_ca_record *r) { return r ? str_or_empty(r->row.holder_id) : ""; }
const char *gxca_ca_record_application_id(const gxca_ca_record *r) { return r ? str_or_empty(r->row.application_id) : ""; }
const char *gxca_ca_record_token_serial(const gxca_ca_record *r) { return r ? str_or_empty(r->row.token_serial) : ""; }
const char *gxca_ca_record_replaces(const gxca_ca_record *r) { return r ? str_or_empty(r->row.replaces) : ""; }
int gxca_ca_record_business(const gxca_ca_record *r) { return r ? r->row.business : 0; }
int gxca_ca_record_usage(const gxca_ca_record *r) { return r ? r->row.usage : 0; }
int gxca_ca_record_key_algorithm(const gxca_ca_record *r) { return r ? r->row.key_alg : 0; }
int gxca_ca_record_is_master(const gxca_ca_record *r) { return r ? r->row.master : 0; }
int gxca_ca_record_status(const gxca_ca_record *r) { return r ? r->row.status : 0; }
int64_t gxca_ca_record_not_before(const gxca_ca_record *r) { return r ? r->row.not_before : 0; }
int64_t gxca_ca_record_not_after(const gxca_ca_record *r) { return r ? r->row.not_after : 0; }
int64_t gxca_ca_record_issued_at(const gxca_ca_record *r) { return r ? r->row.issued_at : 0; }

int gxca_ca_record_revocation(const gxca_ca_record *r, int *reason, int64_t *incident_at, int64_t *requested_at,
			      int64_t *approved_at, int64_t *revoked_at)
{
	if (!r)
		return GXCA_EINVAL;
	if (reason)
		*reason = r->row.reason;
	if (incident_at)
		*incident_at = r->row.incident_at;
	if (requested_at)
		*requested_at = r->row.requested_at;
	if (approved_at)
		*approved_at = r->row.approved_at;
	if (revoked_at)
		*revoked_at = r->row.revoked_at;
	return GXCA_OK;
}

int gxca_ca_record_deadlines(const gxca_ca_record *r, int64_t *request_deadline, int64_t *revoke_deadline)
{
	if (!r)
		return GXCA_EINVAL;
	if (request_deadline)
		*request_deadline = r->row.request_deadline;
	if (revoke_deadline)
		*revoke_deadline = r->row.revoke_deadline;
	return GXCA_OK;
}

int gxca_ca_record_cert(const gxca_ca_record *r, gxca_cert **out)
{
	if (!r)
		return GXCA_EINVAL;
	gxca__clear(r->ctx);
	if (!out)
		return gxca__fail(r->ctx, GXCA_EINVAL, "out", "参数为空", "NULL argument");
	*out = NULL;
	if (!r->row.der)
		return gxca__fail(r->ctx, GXCA_ENOTFOUND, "record", "该记录不含证书（请用 gxca_ca_status 查询）",
				  "this record carries no certificate (use gxca_ca_status)");
	return gxca_cert_from_der(out, r->ctx, r->row.der, r->row.der_len);
}

/* ---- CRL ------------------------------------------------------------------------------------ */

struct crl_job {
	gxca_ca *ca;
	int64_t now, next;
	STACK_OF(X509_REVOKED) *revoked;
	int64_t number;
};

static X509_REVOKED *revoked_entry(const struct gxca__cert_row *row)
{
	X509_REVOKED *r = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *when = ASN1_TIME_new();
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	bool ok = r && when && reason && BN_hex2bn(&bn, row->serial) > 0 && (serial = BN_to_ASN1_INTEGER(bn, NULL)) &&
		  X509_REVOKED_set_serialNumber(r, serial) == 1 && gxca__asn1_time_set(when, row->revoked_at) &&
		  X509_REVOKED_set_revocationDate(r, when) == 1;
	/* RFC 5280 §5.3.1: the reason code "unspecified" SHOULD be absent. */
	if (ok && row->reason > GXCA_REASON_UNSPECIFIED)
		ok = ASN1_ENUMERATED_set(reason, row->reason) == 1 &&
		     X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason, 0, 0) == 1;
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(when);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	if (!ok) {
		X509_REVOKED_free(r);
		return NULL;
	}
	return r;
}

static int crl_add(struct gxca__cert_row *row, void *arg)
{
	struct crl_job *j = arg;
	if (row->revoked_at > j->now)
		return GXCA_OK; /* revoked "in the future" of this CRL */
	X509_REVOKED *r = revoked_entry(row);
	if (!r || sk_X509_REVOKED_push(j->revoked, r) <= 0) {
		X509_REVOKED_free(r);
		return gxca__fail_ossl(j->ca->ctx, GXCA_ENOMEM, NULL, NULL, NULL);
	}
	return GXCA_OK;
}

static int crl_txn(struct gxca__registry *reg, void *arg)
{
	struct crl_job *j = arg;
	sk_X509_REVOKED_pop_free(j->revoked, X509_REVOKED_free);
	if (!(j->revoked = sk_X509_REVOKED_new_null()))
		return gxca__oom(j->ca->ctx);
	struct gxca__cert_filter f = {.revoked_only = true};
	int rc = reg->ops->cert_foreach(reg, &f, crl_add, j);
	return rc ? rc : reg->ops->crl_next(reg, j->now, j->next, sk_X509_REVOKED_num(j->revoked), &j->number);
}

static bool crl_fill(struct crl_job *j, X509_CRL *crl)
{
	ASN1_TIME *this_t = ASN1_TIME_new(), *next_t = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	bool ok = this_t && next_t && num && X509_CRL_set_version(crl, X509_CRL_VERSION_2) == 1 &&
		  X509_CRL_set_issuer_name(crl, X509_get_subject_name(j->ca->cert)) == 1 &&
		  gxca__asn1_time_set(this_t, j->now) && gxca__asn1_time_set(next_t, j->next) &&
		  X509_CRL_set1_lastUpdate(crl, this_t) == 1 && X509_CRL_set1_nextUpdate(crl, next_t) == 1 &&
		  ASN1_INTEGER_set_int64(num, j->number) == 1 && X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) == 1;
	while (ok && sk_X509_REVOKED_num(j->revoked) > 0) {
		X509_REVOKED *r = sk_X509_REVOKED_shift(j->revoked);
		if (X509_CRL_add0_revoked(crl, r) != 1) {
			X509_REVOKED_free(r);
			ok = false;
		}
	}
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(this_t);
	ASN1_TIME_free(next_t);
	return ok && X509_CRL_sort(crl) == 1;
}

int gxca_ca_crl(gxca_ca *ca, int64_t now, gxca_crl **out)
{
	if (!ca)
		return GXCA_EINVAL;
	gxca__clear(ca->ctx);
	if (!out)
		return gxca__fail(ca->ctx, GXCA_EINVAL, "out", "参数为空", "NULL argument");
	*out = NULL;
	if (now < 0)
		return gxca__fail(ca->ctx, GXCA_ERANGE, "now", "时间无效", "invalid time");
	struct crl_job j = {.ca = ca, .now = now_or(now)};
	j.next = j.now + (int64_t)ca->ctx->policy->ca.crl_next_update_hours * 3600;
	int rc = gxca__registry_txn(ca->reg, true, crl_txn, &j);
	X509_CRL *crl = rc ? NULL : X509_CRL_new();
	if (!rc && (!crl || !crl_fill(&j, crl)))
		rc = gxca__fail_ossl(ca->ctx, GXCA_ECRYPTO, "crl", "无法构造 CRL", "cannot build the CRL");
	if (!rc)
		rc = gxca__ca_crl_add_akid(ca, crl);
	if (!rc)
		rc = gxca__ca_sign_crl(ca, crl);
	if (!rc && !(rc = gxca__crl_wrap(out, ca->ctx, crl)))
		crl = NULL;
	X509_CRL_free(crl);
	sk_X509_REVOKED_pop_free(j.revoked, X509_REVOKED_free);
	return rc;
}
