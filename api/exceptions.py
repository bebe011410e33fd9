"""Errors as JSON a program can act on: 400 naming the field, 401/403/404 with a reason, 413
for a body larger than the server reads."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's 400, "__all__" renamed "non_field_errors"."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


def payload_too_large() -> PayloadTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return PayloadTooLarge(
        _("The body is larger than the %(size)s MB the API accepts: send less at a time.")
        % {"size": number_format(limit / (1024 * 1024), 1)}
    )


def exception_handler(exc, context):
    # Django raises RequestDataTooBig when the body is read (DRF reads it while parsing); its own
    # handler would answer with the HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        exc = payload_too_large()
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error_from_django(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
