# gxca/_lib.py — loading libgxca.so.1 and the one table of C signatures.
#
# Every C function the package calls is declared here with its argtypes and
# restype: a function without a restype returns a C int, which would cut a
# 64-bit pointer in half. Handles get c_void_p subclasses so that ctypes does
# not turn them into Python ints and a handle of one kind cannot be passed
# where another is expected.

import os
from ctypes import (CDLL, POINTER, CFUNCTYPE, Structure, c_char, c_char_p, c_double, c_int,
                    c_int64, c_size_t, c_uint, c_uint8, c_uint32, c_uint64, c_ulong, c_void_p,
                    string_at)

SONAME = "libgxca.so.1"


class CtxP(c_void_p):
    """gxca_ctx *"""


class ErrorP(c_void_p):
    """const gxca_error * (borrowed from its ctx)"""


class ReportP(c_void_p):
    """gxca_report *"""


class SiteP(c_void_p):
    """const gxca_site * (borrowed from the ctx's policy)"""


class QuoteP(c_void_p):
    """gxca_quote *"""


class ChecklistP(c_void_p):
    """gxca_checklist *"""


class MailPackageP(c_void_p):
    """gxca_mail_package *"""


class ApplicationP(c_void_p):
    """gxca_application *"""


class KeyP(c_void_p):
    """gxca_key *"""


class CertP(c_void_p):
    """gxca_cert *"""


class CrlP(c_void_p):
    """gxca_crl *"""


class CAP(c_void_p):
    """gxca_ca *"""


class RecordP(c_void_p):
    """gxca_ca_record * (owned, or borrowed from a list)"""


class RecordsP(c_void_p):
    """gxca_ca_records *"""


class ImageP(c_void_p):
    """gxca_image *"""


class SealSpecP(c_void_p):
    """gxca_seal_spec *"""


class ESealP(c_void_p):
    """gxca_eseal * (owned, or borrowed from a signature)"""


class ESignP(c_void_p):
    """gxca_esign *"""


class EResultP(c_void_p):
    """gxca_eseal_result *"""


class TokenModuleP(c_void_p):
    """gxca_token_module *"""


class TokenP(c_void_p):
    """gxca_token *"""


class TokenInfoP(c_void_p):
    """const gxca_token_info * (borrowed)"""


class EnvelopeP(c_void_p):
    """gxca_envelope *"""


class NonceStoreP(c_void_p):
    """gxca_login_nonce_store *"""


class LoginServerP(c_void_p):
    """gxca_login_server *"""


class IdentityP(c_void_p):
    """gxca_login_identity *"""


class IssueOptions(Structure):
    """gxca_issue_options (version 1); fields are only ever appended."""
    _fields_ = [("version", c_uint), ("request", c_char_p), ("request_len", c_size_t),
                ("usage", c_int), ("token_serial", c_char_p), ("accepted_at", c_int64),
                ("now", c_int64), ("change_reason", c_int)]


class VerifyOptions(Structure):
    """gxca_eseal_verify_options (version 1); fields are only ever appended."""
    _fields_ = [("version", c_uint), ("at", c_int64), ("anchors", c_char_p),
                ("anchors_len", c_size_t), ("data", c_char_p), ("data_len", c_size_t),
                ("digest", c_char_p), ("digest_len", c_size_t), ("flags", c_uint32)]


LOG_FN = CFUNCTYPE(None, c_int, c_char_p, c_void_p)
ROLE_FN = CFUNCTYPE(c_int, c_char_p, POINTER(c_int), c_void_p)
REVOKED_FN = CFUNCTYPE(c_int, c_char_p, c_char_p, POINTER(c_int), c_void_p)

# Short names for the table.
i, u, u32, i64, sz, s, v = c_int, c_uint, c_uint32, c_int64, c_size_t, c_char_p, c_void_p
buf = POINTER(c_char)          # char out[N]
pv = POINTER(c_void_p)         # uint8_t **, char ** (freed with gxca_free)
psz = POINTER(c_size_t)
pi = POINTER(c_int)
pu = POINTER(c_uint)
pu32 = POINTER(u32)
pi64 = POINTER(c_int64)
ps = POINTER(c_char_p)         # const char ** (borrowed)


def out(handle):
    return POINTER(handle)


SIGNATURES = {
    # common
    "gxca_free": (None, [v]),
    "gxca_version": (s, []),
    "gxca_applicant_name": (s, [i]),
    "gxca_business_name": (s, [i]),
    "gxca_item_name": (s, [i]),
    "gxca_applicant_from_name": (i, [s]),
    "gxca_business_from_name": (i, [s]),
    "gxca_item_from_name": (i, [s]),
    # error
    "gxca_strerror": (s, [i, i]),
    "gxca_error_name_of": (s, [i]),
    "gxca_error_code": (i, [ErrorP]),
    "gxca_error_name": (s, [ErrorP]),
    "gxca_error_message": (s, [ErrorP]),
    "gxca_error_message_lang": (s, [ErrorP, i]),
    "gxca_error_field": (s, [ErrorP]),
    "gxca_error_detail": (s, [ErrorP]),
    "gxca_error_ck_rv": (c_ulong, [ErrorP]),
    # ctx
    "gxca_ctx_new": (i, [out(CtxP)]),
    "gxca_ctx_free": (None, [CtxP]),
    "gxca_ctx_set_lang": (i, [CtxP, i]),
    "gxca_ctx_lang": (i, [CtxP]),
    "gxca_ctx_set_log": (i, [CtxP, LOG_FN, i, v]),
    "gxca_ctx_last_error": (ErrorP, [CtxP]),
    # report
    "gxca_report_free": (None, [ReportP]),
    "gxca_report_count": (sz, [ReportP]),
    "gxca_report_error_count": (sz, [ReportP]),
    "gxca_report_warning_count": (sz, [ReportP]),
    "gxca_report_severity": (i, [ReportP, sz]),
    "gxca_report_code": (i, [ReportP, sz]),
    "gxca_report_id": (s, [ReportP, sz]),
    "gxca_report_field": (s, [ReportP, sz]),
    "gxca_report_message": (s, [ReportP, sz, i]),
    "gxca_report_to_json": (i, [ReportP, pv]),
    # policy, calendar, sites
    "gxca_ctx_load_policy": (i, [CtxP, s]),
    "gxca_ctx_load_policy_json": (i, [CtxP, s, sz]),
    "gxca_ctx_reset_policy": (i, [CtxP]),
    "gxca_policy_default_json": (s, []),
    "gxca_policy_platform_code": (s, [CtxP]),
    "gxca_policy_platform_name": (s, [CtxP]),
    "gxca_policy_hotline": (s, [CtxP]),
    "gxca_policy_mailbox": (s, [CtxP]),
    "gxca_policy_initial_pin": (s, [CtxP]),
    "gxca_calendar_date_of": (i, [i64, buf]),
    "gxca_calendar_time_of": (i, [CtxP, s, pi64]),
    "gxca_calendar_is_working_day": (i, [CtxP, s, pi]),
    "gxca_calendar_add_working_days": (i, [CtxP, s, i, buf]),
    "gxca_site_count": (sz, [CtxP]),
    "gxca_site_get": (SiteP, [CtxP, sz]),
    "gxca_site_find": (SiteP, [CtxP, s]),
    "gxca_site_id": (s, [SiteP]),
    "gxca_site_region": (s, [SiteP, i]),
    "gxca_site_address": (s, [SiteP]),
    "gxca_site_phone": (s, [SiteP]),
    "gxca_site_hours": (i, [CtxP, SiteP, i, pv]),
    "gxca_site_is_open": (i, [CtxP, SiteP, i64, pi]),
    # identity
    "gxca_identity_check_uscc": (i, [CtxP, s, out(ReportP)]),
    "gxca_identity_check_id_number": (i, [CtxP, s, out(ReportP)]),
    "gxca_identity_uscc_check_char": (c_char, [s]),
    "gxca_identity_id_check_char": (c_char, [s]),
    # tariff
    "gxca_tariff_price": (i, [CtxP, i, i, i, i, pi64]),
    "gxca_quote_new": (i, [out(QuoteP), CtxP]),
    "gxca_quote_free": (None, [QuoteP]),
    "gxca_quote_add": (i, [QuoteP, i, i, i, u, i]),
    "gxca_quote_add_order": (i, [QuoteP, i, i, u, i, i]),
    "gxca_quote_total": (i64, [QuoteP]),
    "gxca_quote_line_count": (sz, [QuoteP]),
    "gxca_quote_line_applicant": (i, [QuoteP, sz]),
    "gxca_quote_line_business": (i, [QuoteP, sz]),
    "gxca_quote_line_item": (i, [QuoteP, sz]),
    "gxca_quote_line_quantity": (u, [QuoteP, sz]),
    "gxca_quote_line_years": (i, [QuoteP, sz]),
    "gxca_quote_line_unit_fen": (i64, [QuoteP, sz]),
    "gxca_quote_line_amount_fen": (i64, [QuoteP, sz]),
    "gxca_quote_line_list_fen": (i64, [QuoteP, sz]),
    "gxca_quote_line_discount_fen": (i64, [QuoteP, sz]),
    "gxca_quote_line_text": (s, [QuoteP, sz, i]),
    "gxca_quote_to_json": (i, [QuoteP, pv]),
    # material
    "gxca_material_name": (s, [i]),
    "gxca_material_from_name": (i, [s]),
    "gxca_checklist_new": (i, [out(ChecklistP), CtxP, i, i, u32, i]),
    "gxca_checklist_free": (None, [ChecklistP]),
    "gxca_checklist_count": (sz, [ChecklistP]),
    "gxca_checklist_material": (i, [ChecklistP, sz]),
    "gxca_checklist_label": (s, [ChecklistP, sz, i]),
    "gxca_checklist_flags": (u32, [ChecklistP, sz]),
    "gxca_checklist_warning": (s, [ChecklistP, i]),
    "gxca_checklist_check": (i, [ChecklistP, pi, sz, out(ReportP)]),
    "gxca_mail_package_new": (i, [out(MailPackageP), ChecklistP, s]),
    "gxca_mail_package_free": (None, [MailPackageP]),
    "gxca_mail_package_add_scan": (i, [MailPackageP, i, s, c_char_p, sz]),
    "gxca_mail_package_filename": (s, [MailPackageP]),
    "gxca_mail_package_build": (i, [MailPackageP, i64, pv, psz]),
    "gxca_mail_package_write": (i, [MailPackageP, i64, s, pv]),
    # application
    "gxca_app_field_name": (s, [i]),
    "gxca_app_field_from_name": (i, [s]),
    "gxca_app_field_label": (s, [i, i]),
    "gxca_app_field_applies": (i, [i, i]),
    "gxca_app_state_name": (s, [i]),
    "gxca_app_state_from_name": (i, [s]),
    "gxca_channel_name": (s, [i]),
    "gxca_channel_from_name": (i, [s]),
    "gxca_application_new": (i, [out(ApplicationP), CtxP, i]),
    "gxca_application_free": (None, [ApplicationP]),
    "gxca_application_applicant": (i, [ApplicationP]),
    "gxca_application_id": (s, [ApplicationP]),
    "gxca_application_set": (i, [ApplicationP, i, s]),
    "gxca_application_get": (s, [ApplicationP, i]),
    "gxca_application_set_id_type": (i, [ApplicationP, i]),
    "gxca_application_id_type": (i, [ApplicationP]),
    "gxca_application_set_collected": (i, [ApplicationP, i, i]),
    "gxca_application_collected": (i, [ApplicationP, i]),
    "gxca_application_set_by_proxy": (i, [ApplicationP, i]),
    "gxca_application_by_proxy": (i, [ApplicationP]),
    "gxca_application_set_consent": (i, [ApplicationP, i]),
    "gxca_application_consent": (i, [ApplicationP]),
    "gxca_application_add_line": (i, [ApplicationP, i, u, i, u32]),
    "gxca_application_line_count": (sz, [ApplicationP]),
    "gxca_application_line_get": (i, [ApplicationP, sz, pi, pu, pi, pu32]),
    "gxca_application_clear_lines": (i, [ApplicationP]),
    "gxca_application_validate": (i, [ApplicationP, out(ReportP)]),
    "gxca_application_from_json": (i, [out(ApplicationP), CtxP, s, sz]),
    "gxca_application_to_json": (i, [ApplicationP, pv]),
    "gxca_application_state": (i, [ApplicationP]),
    "gxca_application_submit": (i, [ApplicationP, i, s, i64]),
    "gxca_application_approve": (i, [ApplicationP, s, i64]),
    "gxca_application_reject": (i, [ApplicationP, s, i64, s]),
    "gxca_application_request_payment": (i, [ApplicationP, s, i64]),
    "gxca_application_mark_paid": (i, [ApplicationP, s, i64]),
    "gxca_application_mark_issued": (i, [ApplicationP, s, i64]),
    "gxca_application_deliver": (i, [ApplicationP, s, i64, s]),
    "gxca_application_last_report": (ReportP, [ApplicationP]),
    "gxca_application_history_count": (sz, [ApplicationP]),
    "gxca_application_history_get": (i, [ApplicationP, sz, pi, pi64, ps, ps]),
    "gxca_application_channel": (i, [ApplicationP]),
    "gxca_application_paid_at": (i64, [ApplicationP]),
    "gxca_application_tracking_no": (s, [ApplicationP]),
    "gxca_application_invoice_due": (i, [ApplicationP, buf]),
    "gxca_application_mail_due": (i, [ApplicationP, buf]),
    # key
    "gxca_key_generate": (i, [out(KeyP), CtxP, i]),
    "gxca_key_load": (i, [out(KeyP), CtxP, c_char_p, sz, s]),
    "gxca_key_load_file": (i, [out(KeyP), CtxP, s, s]),
    "gxca_key_free": (None, [KeyP]),
    "gxca_key_algorithm": (i, [KeyP]),
    "gxca_key_save_pem": (i, [KeyP, s, s]),
    "gxca_key_public_der": (i, [KeyP, pv, psz]),
    "gxca_key_sign": (i, [KeyP, c_char_p, sz, pv, psz]),
    "gxca_key_verify": (i, [KeyP, c_char_p, sz, c_char_p, sz]),
    "gxca_key_alg_name": (s, [i]),
    "gxca_key_alg_from_name": (i, [s]),
}

pcert = POINTER(CertP)
pd = POINTER(c_double)
b = c_char_p  # const uint8_t * (bytes in)
u8 = c_uint8
pb = POINTER(c_void_p)  # const uint8_t * returned with a length: read with string_at
ca_opts = POINTER(IssueOptions)
v_opts = POINTER(VerifyOptions)

SIGNATURES.update({
    # cert
    "gxca_revocation_reason_name": (s, [i]),
    "gxca_revocation_reason_from_name": (i, [s]),
    "gxca_cert_from_der": (i, [out(CertP), CtxP, b, sz]),
    "gxca_cert_from_pem": (i, [out(CertP), CtxP, b, sz]),
    "gxca_cert_load_file": (i, [out(CertP), CtxP, s]),
    "gxca_cert_chain_from_pem": (i, [POINTER(pcert), psz, CtxP, b, sz]),
    "gxca_cert_chain_load_file": (i, [POINTER(pcert), psz, CtxP, s]),
    "gxca_cert_chain_free": (None, [pcert, sz]),
    "gxca_cert_free": (None, [CertP]),
    "gxca_cert_to_der": (i, [CertP, pv, psz]),
    "gxca_cert_to_pem": (i, [CertP, pv, psz]),
    "gxca_cert_public_der": (i, [CertP, pv, psz]),
    "gxca_cert_subject": (s, [CertP]),
    "gxca_cert_issuer": (s, [CertP]),
    "gxca_cert_subject_field": (s, [CertP, i]),
    "gxca_cert_serial": (s, [CertP]),
    "gxca_cert_not_before": (i64, [CertP]),
    "gxca_cert_not_after": (i64, [CertP]),
    "gxca_cert_key_algorithm": (i, [CertP]),
    "gxca_cert_usage": (i, [CertP]),
    "gxca_cert_uscc": (s, [CertP]),
    "gxca_cert_id_number": (s, [CertP]),
    "gxca_cert_verify": (i, [CertP, pcert, sz, CrlP, i64, pi, pi64]),
    "gxca_crl_from_der": (i, [out(CrlP), CtxP, b, sz]),
    "gxca_crl_from_pem": (i, [out(CrlP), CtxP, b, sz]),
    "gxca_crl_load_file": (i, [out(CrlP), CtxP, s]),
    "gxca_crl_free": (None, [CrlP]),
    "gxca_crl_to_der": (i, [CrlP, pv, psz]),
    "gxca_crl_to_pem": (i, [CrlP, pv, psz]),
    "gxca_crl_issuer": (s, [CrlP]),
    "gxca_crl_number": (i64, [CrlP]),
    "gxca_crl_this_update": (i64, [CrlP]),
    "gxca_crl_next_update": (i64, [CrlP]),
    "gxca_crl_count": (sz, [CrlP]),
    "gxca_crl_entry": (i, [CrlP, sz, ps, pi, pi64]),
    "gxca_crl_find": (i, [CrlP, s, pi, pi64]),
    "gxca_crl_verify": (i, [CrlP, CertP]),
    # ca
    "gxca_issue_options_init": (i, [ca_opts, u]),
    "gxca_ca_create": (i, [out(CAP), CtxP, s, i, s]),
    "gxca_ca_open": (i, [out(CAP), CtxP, s, s, s, s]),
    "gxca_ca_free": (None, [CAP]),
    "gxca_ca_chain": (i, [CAP, POINTER(pcert), psz]),
    "gxca_ca_issue": (i, [CAP, ApplicationP, ca_opts, out(CertP)]),
    "gxca_ca_issue_batch": (i, [CAP, sz, POINTER(ApplicationP), POINTER(ca_opts), pcert]),
    "gxca_ca_renew": (i, [CAP, ApplicationP, s, ca_opts, out(CertP)]),
    "gxca_ca_reissue": (i, [CAP, ApplicationP, s, ca_opts, out(CertP)]),
    "gxca_ca_change": (i, [CAP, ApplicationP, s, ca_opts, out(CertP)]),
    "gxca_ca_unlock": (i, [CAP, ApplicationP, s, s, i64]),
    "gxca_ca_revoke_request": (i, [CAP, s, i, i64, i64]),
    "gxca_ca_revoke_approve": (i, [CAP, s, i64]),
    "gxca_ca_revoke": (i, [CAP, s, i, i64]),
    "gxca_ca_overdue": (i, [CAP, i64, out(RecordsP)]),
    "gxca_ca_crl": (i, [CAP, i64, out(CrlP)]),
    "gxca_ca_status": (i, [CAP, s, out(RecordP)]),
    "gxca_ca_list": (i, [CAP, s, out(RecordsP)]),
    "gxca_ca_records_free": (None, [RecordsP]),
    "gxca_ca_records_count": (sz, [RecordsP]),
    "gxca_ca_records_get": (RecordP, [RecordsP, sz]),
    "gxca_ca_record_free": (None, [RecordP]),
    "gxca_ca_record_serial": (s, [RecordP]),
    "gxca_ca_record_subject": (s, [RecordP]),
    "gxca_ca_record_holder": (s, [RecordP]),
    "gxca_ca_record_application_id": (s, [RecordP]),
    "gxca_ca_record_token_serial": (s, [RecordP]),
    "gxca_ca_record_replaces": (s, [RecordP]),
    "gxca_ca_record_business": (i, [RecordP]),
    "gxca_ca_record_usage": (i, [RecordP]),
    "gxca_ca_record_key_algorithm": (i, [RecordP]),
    "gxca_ca_record_is_master": (i, [RecordP]),
    "gxca_ca_record_status": (i, [RecordP]),
    "gxca_ca_record_not_before": (i64, [RecordP]),
    "gxca_ca_record_not_after": (i64, [RecordP]),
    "gxca_ca_record_issued_at": (i64, [RecordP]),
    "gxca_ca_record_revocation": (i, [RecordP, pi, pi64, pi64, pi64, pi64]),
    "gxca_ca_record_deadlines": (i, [RecordP, pi64, pi64]),
    "gxca_ca_record_cert": (i, [RecordP, out(CertP)]),
    # image, seal
    "gxca_image_new": (i, [out(ImageP), CtxP, u32, u32, u32]),
    "gxca_image_free": (None, [ImageP]),
    "gxca_image_width": (u32, [ImageP]),
    "gxca_image_height": (u32, [ImageP]),
    "gxca_image_dpi": (u32, [ImageP]),
    "gxca_image_set_dpi": (i, [ImageP, u32]),
    "gxca_image_origin_x": (u32, [ImageP]),
    "gxca_image_origin_y": (u32, [ImageP]),
    "gxca_image_pixels": (c_void_p, [ImageP, psz]),
    "gxca_image_to_png": (i, [ImageP, pv, psz]),
    "gxca_image_from_png": (i, [out(ImageP), CtxP, b, sz]),
    "gxca_image_extract_stamp": (i, [out(ImageP), ImageP, u32, u32, u32, u32]),
    "gxca_image_extract_signature": (i, [out(ImageP), ImageP, u32, u32, u32, u32]),
    "gxca_seal_spec_new": (i, [out(SealSpecP), CtxP, i]),
    "gxca_seal_spec_free": (None, [SealSpecP]),
    "gxca_seal_spec_preset": (i, [SealSpecP]),
    "gxca_seal_spec_set_text": (i, [SealSpecP, i, s]),
    "gxca_seal_spec_text": (s, [SealSpecP, i]),
    "gxca_seal_spec_set_param": (i, [SealSpecP, i, c_double]),
    "gxca_seal_spec_param": (i, [SealSpecP, i, pd]),
    "gxca_seal_spec_set_dpi": (i, [SealSpecP, u32]),
    "gxca_seal_spec_set_color": (i, [SealSpecP, u8, u8, u8, u8]),
    "gxca_seal_spec_set_font": (i, [SealSpecP, i, s, i]),
    "gxca_seal_render": (i, [out(ImageP), SealSpecP]),
    "gxca_seal_preset_name": (s, [i]),
    "gxca_seal_preset_from_name": (i, [s]),
    # eseal
    "gxca_eseal_verify_options_init": (i, [v_opts, u]),
    "gxca_eseal_kind": (i, [b, sz]),
    "gxca_eseal_new": (i, [out(ESealP), CtxP]),
    "gxca_eseal_parse": (i, [out(ESealP), CtxP, b, sz]),
    "gxca_eseal_free": (None, [ESealP]),
    "gxca_eseal_set_vid": (i, [ESealP, s]),
    "gxca_eseal_set_id": (i, [ESealP, s]),
    "gxca_eseal_set_type": (i, [ESealP, i64]),
    "gxca_eseal_set_name": (i, [ESealP, s]),
    "gxca_eseal_add_cert": (i, [ESealP, b, sz]),
    "gxca_eseal_set_validity": (i, [ESealP, i64, i64, i64]),
    "gxca_eseal_set_picture": (i, [ESealP, s, b, sz, u32, u32]),
    "gxca_eseal_add_ext": (i, [ESealP, s, i, b, sz]),
    "gxca_eseal_sign": (i, [ESealP, KeyP, b, sz]),
    "gxca_eseal_to_der": (i, [ESealP, pv, psz]),
    "gxca_eseal_version": (i, [ESealP]),
    "gxca_eseal_header_version": (i64, [ESealP]),
    "gxca_eseal_vid": (s, [ESealP]),
    "gxca_eseal_id": (s, [ESealP]),
    "gxca_eseal_type": (i64, [ESealP]),
    "gxca_eseal_name": (s, [ESealP]),
    "gxca_eseal_cert_list_type": (i, [ESealP]),
    "gxca_eseal_cert_count": (sz, [ESealP]),
    "gxca_eseal_cert": (c_void_p, [ESealP, sz, psz]),
    "gxca_eseal_cert_digest_type": (s, [ESealP, sz]),
    "gxca_eseal_create_date": (i64, [ESealP]),
    "gxca_eseal_valid_start": (i64, [ESealP]),
    "gxca_eseal_valid_end": (i64, [ESealP]),
    "gxca_eseal_time_encoding": (i, [ESealP]),
    "gxca_eseal_picture_type": (s, [ESealP]),
    "gxca_eseal_picture": (c_void_p, [ESealP, psz]),
    "gxca_eseal_picture_width": (i64, [ESealP]),
    "gxca_eseal_picture_height": (i64, [ESealP]),
    "gxca_eseal_write_picture": (i, [ESealP, s]),
    "gxca_eseal_ext_count": (sz, [ESealP]),
    "gxca_eseal_ext_oid": (s, [ESealP, sz]),
    "gxca_eseal_ext_critical": (i, [ESealP, sz]),
    "gxca_eseal_ext_value": (c_void_p, [ESealP, sz, psz]),
    "gxca_eseal_maker_cert": (c_void_p, [ESealP, psz]),
    "gxca_eseal_sign_alg": (s, [ESealP]),
    "gxca_eseal_signature": (c_void_p, [ESealP, psz]),
    "gxca_eseal_timestamp": (c_void_p, [ESealP, psz]),
    "gxca_eseal_quirks": (u32, [ESealP]),
    "gxca_eseal_verify": (i, [ESealP, v_opts, out(EResultP)]),
    "gxca_esign_new": (i, [out(ESignP), CtxP]),
    "gxca_esign_parse": (i, [out(ESignP), CtxP, b, sz]),
    "gxca_esign_free": (None, [ESignP]),
    "gxca_esign_set_seal": (i, [ESignP, ESealP]),
    "gxca_esign_set_data": (i, [ESignP, b, sz]),
    "gxca_esign_set_digest": (i, [ESignP, b, sz]),
    "gxca_esign_set_property_info": (i, [ESignP, s]),
    "gxca_esign_set_time": (i, [ESignP, i64]),
    "gxca_esign_add_ext": (i, [ESignP, s, i, b, sz]),
    "gxca_esign_sign": (i, [ESignP, KeyP, b, sz]),
    "gxca_esign_to_der": (i, [ESignP, pv, psz]),
    "gxca_esign_version": (i, [ESignP]),
    "gxca_esign_tbs_version": (i64, [ESignP]),
    "gxca_esign_seal": (ESealP, [ESignP]),
    "gxca_esign_time": (i64, [ESignP]),
    "gxca_esign_time_encoding": (i, [ESignP]),
    "gxca_esign_time_text": (s, [ESignP]),
    "gxca_esign_data_hash": (c_void_p, [ESignP, psz]),
    "gxca_esign_property_info": (s, [ESignP]),
    "gxca_esign_signer_cert": (c_void_p, [ESignP, psz]),
    "gxca_esign_sign_alg": (s, [ESignP]),
    "gxca_esign_signature": (c_void_p, [ESignP, psz]),
    "gxca_esign_timestamp": (c_void_p, [ESignP, psz]),
    "gxca_esign_ext_count": (sz, [ESignP]),
    "gxca_esign_ext_oid": (s, [ESignP, sz]),
    "gxca_esign_ext_critical": (i, [ESignP, sz]),
    "gxca_esign_ext_value": (c_void_p, [ESignP, sz, psz]),
    "gxca_esign_quirks": (u32, [ESignP]),
    "gxca_esign_verify": (i, [ESignP, v_opts, out(EResultP)]),
    "gxca_eseal_result_free": (None, [EResultP]),
    "gxca_eseal_result_ran": (u32, [EResultP]),
    "gxca_eseal_result_failed": (u32, [EResultP]),
    "gxca_eseal_result_status": (i, [EResultP, u32]),
    "gxca_eseal_result_message": (s, [EResultP, u32, i]),
    "gxca_eseal_result_quirks": (u32, [EResultP, u32]),
    "gxca_eseal_result_time": (i64, [EResultP]),
    "gxca_eseal_check_name": (s, [u32]),
    "gxca_eseal_quirk_name": (s, [u32]),
    # token
    "gxca_token_module_open": (i, [out(TokenModuleP), CtxP, s]),
    "gxca_token_module_close": (None, [TokenModuleP]),
    "gxca_token_module_path": (s, [TokenModuleP]),
    "gxca_token_module_set_timeout": (i, [TokenModuleP, i]),
    "gxca_token_module_refresh": (i, [TokenModuleP]),
    "gxca_token_module_count": (sz, [TokenModuleP]),
    "gxca_token_module_info": (TokenInfoP, [TokenModuleP, sz]),
    "gxca_token_info_label": (s, [TokenInfoP]),
    "gxca_token_info_serial": (s, [TokenInfoP]),
    "gxca_token_info_manufacturer": (s, [TokenInfoP]),
    "gxca_token_info_model": (s, [TokenInfoP]),
    "gxca_token_info_flags": (u32, [TokenInfoP]),
    "gxca_token_info_slot_id": (c_uint64, [TokenInfoP]),
    "gxca_token_open": (i, [out(TokenP), TokenModuleP, s]),
    "gxca_token_close": (None, [TokenP]),
    "gxca_token_get_info": (i, [TokenP, out(TokenInfoP)]),
    "gxca_token_login": (i, [TokenP, s]),
    "gxca_token_logout": (i, [TokenP]),
    "gxca_token_change_pin": (i, [TokenP, s, s]),
    "gxca_token_unlock": (i, [TokenP, s, s]),
    "gxca_token_keygen": (i, [TokenP, i, s, b, sz]),
    "gxca_token_get_key": (i, [out(KeyP), TokenP, s, b, sz]),
    "gxca_token_sign": (i, [TokenP, KeyP, b, sz, pv, psz]),
    "gxca_token_csr": (i, [KeyP, s, pv, psz]),
    "gxca_token_store_cert": (i, [TokenP, b, sz, s]),
    "gxca_token_find_cert": (i, [TokenP, s, b, sz, pv, psz]),
    "gxca_token_set_role": (i, [TokenP, i]),
    "gxca_token_get_role": (i, [TokenP, pi]),
    "gxca_token_store_seal": (i, [TokenP, b, sz, u32]),
    "gxca_token_read_seal": (i, [TokenP, pv, psz]),
    # envelope
    "gxca_envelope_new": (i, [out(EnvelopeP), CtxP]),
    "gxca_envelope_free": (None, [EnvelopeP]),
    "gxca_envelope_set_cipher": (i, [EnvelopeP, i]),
    "gxca_envelope_add_recipient": (i, [EnvelopeP, b, sz]),
    "gxca_envelope_recipient_count": (sz, [EnvelopeP]),
    "gxca_envelope_encrypt_fd": (i, [EnvelopeP, i, i]),
    "gxca_envelope_encrypt_file": (i, [EnvelopeP, s, s]),
    "gxca_envelope_decrypt_fd": (i, [KeyP, b, sz, i, i]),
    "gxca_envelope_decrypt_file": (i, [KeyP, b, sz, s, s]),
    "gxca_envelope_cipher_name": (s, [i]),
    "gxca_envelope_cipher_from_name": (i, [s]),
    # login
    "gxca_login_nonce_store_new": (i, [out(NonceStoreP), CtxP]),
    "gxca_login_nonce_store_free": (None, [NonceStoreP]),
    "gxca_login_nonce_store_count": (sz, [NonceStoreP]),
    "gxca_login_server_new": (i, [out(LoginServerP), CtxP, s, b, sz, NonceStoreP]),
    "gxca_login_server_free": (None, [LoginServerP]),
    "gxca_login_server_set_lifetime": (i, [LoginServerP, i]),
    "gxca_login_server_add_trust": (i, [LoginServerP, b, sz]),
    "gxca_login_server_set_crl": (i, [LoginServerP, b, sz]),
    "gxca_login_server_set_revocation_cb": (i, [LoginServerP, REVOKED_FN, v]),
    "gxca_login_server_set_role_cb": (i, [LoginServerP, ROLE_FN, v]),
    "gxca_login_challenge": (i, [LoginServerP, i64, pv, psz]),
    "gxca_login_respond": (i, [KeyP, b, sz, b, sz, s, pv, psz]),
    "gxca_login_verify": (i, [LoginServerP, b, sz, i64, out(IdentityP)]),
    "gxca_login_identity_free": (None, [IdentityP]),
    "gxca_login_identity_name": (s, [IdentityP]),
    "gxca_login_identity_number": (s, [IdentityP]),
    "gxca_login_identity_kind": (i, [IdentityP]),
    "gxca_login_identity_serial": (s, [IdentityP]),
    "gxca_login_identity_subject": (s, [IdentityP]),
    "gxca_login_identity_role": (i, [IdentityP]),
})


# ctypes converts an out-of-range Python int silently (2**32 + 1 becomes 1
# for a C int): every integer argument is range-checked before the call.
_RANGES = {c_int: (-2**31, 2**31 - 1), c_uint: (0, 2**32 - 1), c_uint8: (0, 255),
           c_int64: (-2**63, 2**63 - 1), c_size_t: (0, 2**64 - 1), c_uint64: (0, 2**64 - 1)}


def _range_checked(name, fn, argtypes):
    checks = [(k, _RANGES[t]) for k, t in enumerate(argtypes) if t in _RANGES]
    if not checks:
        return fn

    def call(*args):
        for k, (lo, hi) in checks:
            a = args[k] if k < len(args) else None
            if isinstance(a, int) and not lo <= a <= hi:
                raise OverflowError("%s: argument %d is %d, outside %d..%d" % (name, k + 1, a, lo, hi))
        return fn(*args)
    call.__name__ = name
    return call


class _Lib:
    """The loaded library: one attribute per declared function."""

    def __init__(self, path):
        self.path = path
        self._dll = CDLL(path)
        for name, (restype, argtypes) in SIGNATURES.items():
            fn = getattr(self._dll, name)
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, _range_checked(name, fn, argtypes))


lib = _Lib(os.environ.get("GXCA_LIBRARY") or SONAME)


# ---- data at the boundary -------------------------------------------------

def text_in(value, what="value", sized=False):
    """A str (encoded UTF-8) or bytes (passed as they are) for a const char *.
    A NUL inside would silently cut a C string: refused unless the length is
    passed too (sized)."""
    if isinstance(value, str):
        data = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray)):
        data = bytes(value)
    else:
        raise TypeError("%s must be str or bytes, not %s" % (what, type(value).__name__))
    if not sized and b"\0" in data:
        raise ValueError("%s contains a NUL character" % what)
    return data


def opt_text_in(value, what="value"):
    return None if value is None else text_in(value, what)


def bytes_in(value, what="data"):
    """Bytes-like data for a (const uint8_t *, size_t) pair; str is refused."""
    if isinstance(value, str):
        raise TypeError("%s must be bytes, not str" % what)
    return bytes(memoryview(value))


def text_out(ptr):
    """A borrowed const char * (already copied by ctypes) as str; None stays None."""
    if ptr is None:
        return None
    return ptr.decode("utf-8", "surrogateescape")


def take_text(ptr):
    """Copy a NUL-terminated string the library allocated, then gxca_free() it."""
    if not ptr.value:
        return None
    try:
        return string_at(ptr.value).decode("utf-8", "surrogateescape")
    finally:
        lib.gxca_free(ptr)


def borrowed_bytes(ptr, length):
    """Copy length bytes the library lends (a const uint8_t * getter)."""
    return string_at(ptr, length.value) if ptr else None


def blob_in(value, what="cert"):
    """Certificate-like input: an object with to_der() (Cert, Crl, ESeal),
    DER bytes, PEM text, or a list of those (concatenated: a bundle)."""
    if hasattr(value, "to_der"):
        return value.to_der()
    if isinstance(value, str):
        return text_in(value, what, sized=True)
    if isinstance(value, (list, tuple)):
        return b"".join(blob_in(v, what) for v in value)
    return bytes_in(value, what)


def take_bytes(ptr, length):
    """Copy length bytes the library allocated, then gxca_free() them."""
    if not ptr.value:
        return b""
    try:
        return string_at(ptr.value, length.value)
    finally:
        lib.gxca_free(ptr)
