## doc/ — manual pages (mdoc) and format documents.
dist_man_MANS += \
	doc/man/gxca.1 \
	doc/man/gxca.3 \
	doc/man/gxca_ctx.3 \
	doc/man/gxca_image.3 \
	doc/man/gxca_seal.3 \
	doc/man/gxca_policy.3 \
	doc/man/gxca_tariff.3 \
	doc/man/gxca_material.3 \
	doc/man/gxca_identity.3 \
	doc/man/gxca_application.3 \
	doc/man/gxca_token.3 \
	doc/man/gxca_envelope.3 \
	doc/man/gxca_login.3 \
	doc/man/gxca_eseal.3 \
	doc/man/gxca_key.3 \
	doc/man/gxca_cert.3 \
	doc/man/gxca_ca.3
EXTRA_DIST += doc/policy-json.md doc/tutorial.md doc/application-json.md doc/cert-profile.md doc/fuzzing.md
