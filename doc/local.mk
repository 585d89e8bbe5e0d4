## doc/ — manual pages (mdoc) and format documents.
dist_man_MANS += \
	doc/man/gxca.1 \
	doc/man/gxca.3 \
	doc/man/gxca_ctx.3 \
	doc/man/gxca_policy.3 \
	doc/man/gxca_tariff.3 \
	doc/man/gxca_material.3 \
	doc/man/gxca_identity.3
EXTRA_DIST += doc/policy-json.md
