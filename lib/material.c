/*
 * lib/material.c — required materials (申领材料): checklists, checks, and the
 * mail package.
 */
#include "gxca-private.h"
#include "policy-private.h"

#include <string.h>
#include <strings.h>

static const char *const material_names[] = {
	NULL, "LICENSE_COPY", "AGENT_ID_COPY", "FORM_ORG", "LOSS_STATEMENT", "TOKEN",
	"CHANGE_NOTICE", "APPLICANT_ID_COPY", "PROXY_ID_COPY", "FORM_PERSON"};

const char *gxca_material_name(int m)
{
	return m > 0 && (size_t)m < GXCA_ARRAY_LEN(material_names) ? material_names[m] : NULL;
}

int gxca_material_from_name(const char *name)
{
	for (size_t i = 1; name && i < GXCA_ARRAY_LEN(material_names); i++)
		if (strcasecmp(material_names[i], name) == 0)
			return (int)i;
	return 0;
}
