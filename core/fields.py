"""Model fields that read the product's clock (core.clock) instead of the wall clock, and the
field that keeps free text about a person encrypted at rest (core.crypto)."""

from django.db import models

from . import clock, crypto


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose auto_now / auto_now_add stamp core.clock.now(), so a row written in
    the demo (today 2015-06-22) says 2015-06-22, like every other date the product shows."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return models.Field.pre_save(self, model_instance, add)


class EncryptedTextField(models.TextField):
    """Free text about a person's health or social circumstances, encrypted at rest with the
    keys of core/crypto.py: the column holds a Fernet token, Python sees the text.

    Not searchable: the same text encrypts differently each time, so a filter on the text
    (icontains, startswith, ordering) cannot work and is refused; only `isnull` and `exact`
    (which is meaningful for "" only: an empty text is stored empty) are allowed. A column
    value that is not a token is text written before the column was encrypted (its data
    migration encrypts it) and is returned as it is. List every such field in
    core.crypto.ENCRYPTED_COLUMNS, so that `manage.py rotate_keys` re-encrypts it."""

    ALLOWED_LOOKUPS = ("exact", "isnull")

    def from_db_value(self, value, expression, connection):
        if not value or not value.startswith(crypto.FERNET_PREFIX):
            return value
        return crypto.decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in self.ALLOWED_LOOKUPS:
            return None  # Django raises FieldError: "Unsupported lookup"
        return super().get_lookup(lookup_name)
