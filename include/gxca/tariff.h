/*
 * libgxca — tariff (收费标准): prices and quotes (domain.md §6).
 *
 * All money is int64_t fen (1 CNY = 100 fen). Prices come from the policy in
 * force on the context (built in, or gxca_ctx_load_policy()).
 *
 * Pricing rule [decision, domain.md §6], for a term of N years
 * (1 <= N <= the policy's max_years, 10 by default):
 *  - RENEW: the per-year price for each year; where a RENEW package of Y
 *    years exists it may replace any Y consecutive years.
 *  - NEW: the first-year price for year 1, and the remaining N-1 years are
 *    priced as a RENEW term (per-year price, RENEW packages apply); where a
 *    NEW package of Y years exists it may replace years 1..Y instead, and the
 *    remaining N-Y years are then priced as a RENEW term. A NEW term of more
 *    than one year is not offered when RENEW is not offered for that item.
 *  - REISSUE, CHANGE, UNLOCK: one flat price; the term is 0 or 1 (both mean
 *    "no term"), anything else is GXCA_ETARIFF_YEARS.
 * The price is the cheapest such combination; a package is used only when it
 * is strictly cheaper than the years it replaces.
 *
 * Threads: as the context (one thread at a time per context and per quote).
 * @since 1.0
 */
#ifndef GXCA_TARIFF_H
#define GXCA_TARIFF_H

#include <gxca/common.h>
#include <gxca/ctx.h>

GXCA_BEGIN_DECLS

/**
 * Price in fen of ONE item (gxca_item) of a business (gxca_business) for an
 * applicant kind (gxca_applicant) and a term of years (see above).
 *
 * No allocation; safe to call in a tight loop.
 * Returns GXCA_OK and *fen (which may be a real 0, e.g. ORG CHANGE CERT);
 * GXCA_ETARIFF_NOT_OFFERED (the message names the item and the business);
 * GXCA_ETARIFF_YEARS (term out of range); GXCA_EINVAL (NULL ctx or fen, an
 * unknown applicant, business or item). On failure *fen is -1.
 */
GXCA_API int gxca_tariff_price(gxca_ctx *ctx, int applicant, int business, int item,
			       int years, int64_t *fen) GXCA_WARN_UNUSED;

/**
 * A quote: a list of lines, each some count of one item for one business and
 * term, priced when it is added (a later policy change does not reprice it).
 * The quote borrows its context, which must outlive it; failures of quote
 * calls are reported on that context.
 */
typedef struct gxca_quote gxca_quote;

/**
 * Make an empty quote. *out is NULL on failure.
 * Returns GXCA_OK, GXCA_EINVAL (NULL out or ctx) or GXCA_ENOMEM.
 * The caller frees it with gxca_quote_free().
 */
GXCA_API int gxca_quote_new(gxca_quote **out, gxca_ctx *ctx) GXCA_WARN_UNUSED;

/** Free a quote; NULL is a no-op. */
GXCA_API void gxca_quote_free(gxca_quote *q);

/**
 * Add one line: count (>= 1) items of one kind, each priced as
 * gxca_tariff_price() would. A failing add changes nothing in the quote.
 * Returns GXCA_OK, the errors of gxca_tariff_price(), GXCA_EINVAL (NULL
 * quote, count 0), GXCA_ERANGE (the amount or the total would overflow) or
 * GXCA_ENOMEM.
 */
GXCA_API int gxca_quote_add(gxca_quote *q, int applicant, int business, int item,
			    unsigned count, int years) GXCA_WARN_UNUSED;

/**
 * Add a whole order: `tokens` tokens, each with its CERT, and `seals` SEALs,
 * for one business and term (a line per item, CERT first). seals < 0 asks for
 * the policy default: seals_per_master_token for the first token (the master)
 * plus seals_per_secondary_token for each further one.
 *
 * The order follows the tariff cells: an item that is only implied and not
 * offered for that business is left out (the CERT of the tokens of a PERSON
 * CHANGE, the default seals of an UNLOCK); an explicit seals > 0 for a SEAL
 * that is not offered fails with GXCA_ETARIFF_NOT_OFFERED, and so does an
 * order in which no item is offered at all. An order with no token and no
 * seal is GXCA_EINVAL. A failing add changes nothing in the quote.
 * Returns as gxca_quote_add().
 */
GXCA_API int gxca_quote_add_order(gxca_quote *q, int applicant, int business,
				  unsigned tokens, int years, int seals) GXCA_WARN_UNUSED;

/** Total in fen of all lines; 0 when empty, -1 for a NULL quote. */
GXCA_API int64_t gxca_quote_total(const gxca_quote *q);

/** Number of lines; 0 for NULL. */
GXCA_API size_t gxca_quote_line_count(const gxca_quote *q);

/*
 * Line i (0-based, in the order added). Out of range or NULL quote: the
 * enum getters return 0, the quantity 0, the years -1, the money getters -1 and
 * the text NULL.
 */
GXCA_API int gxca_quote_line_applicant(const gxca_quote *q, size_t i);
GXCA_API int gxca_quote_line_business(const gxca_quote *q, size_t i);
GXCA_API int gxca_quote_line_item(const gxca_quote *q, size_t i);
/** How many items the line has (the count given to gxca_quote_add()). */
GXCA_API unsigned gxca_quote_line_quantity(const gxca_quote *q, size_t i);
/** The term in years; 0 for a flat-priced business (REISSUE, CHANGE, UNLOCK). */
GXCA_API int gxca_quote_line_years(const gxca_quote *q, size_t i);
/** Price of one item after discounts. */
GXCA_API int64_t gxca_quote_line_unit_fen(const gxca_quote *q, size_t i);
/** unit_fen × count. */
GXCA_API int64_t gxca_quote_line_amount_fen(const gxca_quote *q, size_t i);
/**
 * List price of the line (× count) before discounts: the first-year price
 * and the per-year price of each further year (NEW), the per-year price of
 * each year (RENEW), or the flat price.
 */
GXCA_API int64_t gxca_quote_line_list_fen(const gxca_quote *q, size_t i);
/** list_fen - amount_fen: what the packages save on the line (>= 0). */
GXCA_API int64_t gxca_quote_line_discount_fen(const gxca_quote *q, size_t i);
/**
 * One-line description in GXCA_LANG_ZH or GXCA_LANG_EN, e.g.
 * "CA数字证书 新办 4年套餐 ×1" / "CA digital certificate, new, 4-year package ×1".
 * Borrowed from the quote (valid until it is freed); NULL for another lang.
 */
GXCA_API const char *gxca_quote_line_text(const gxca_quote *q, size_t i, int lang);

/**
 * The quote as JSON (caller frees *out with gxca_free()):
 * {"total_fen":35000,"lines":[{"applicant":"ORG","business":"NEW",
 *  "item":"CERT","count":1,"years":4,"unit_fen":35000,"unit_list_fen":45000,
 *  "list_fen":45000,"discount_fen":10000,"amount_fen":35000,"zh":"...",
 *  "en":"...","parts":[{"kind":"new_package","from_year":1,"to_year":4,
 *  "fen":35000,"list_fen":45000}],"discounts":[{"business":"NEW",
 *  "package_years":4,"from_year":1,"to_year":4,"list_fen":45000,
 *  "price_fen":35000,"discount_fen":10000,"zh":"...","en":"..."}]}]}
 * "parts" cover the term of ONE item (kinds first_year, new_package,
 * renew_package, renew_years, flat); each package used is a discount, also
 * per item. Returns GXCA_OK, GXCA_EINVAL (NULL q or out) or GXCA_ENOMEM.
 */
GXCA_API int gxca_quote_to_json(const gxca_quote *q, char **out) GXCA_WARN_UNUSED;

GXCA_END_DECLS

#endif /* GXCA_TARIFF_H */
