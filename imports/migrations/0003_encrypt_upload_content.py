"""Uploaded spreadsheets kept before this migration were stored in clear: encrypt them
(core/crypto.py), as every upload is from now on. Tokens already encrypted are left alone."""

from django.db import migrations

FERNET_PREFIX = b"gAAAAA"  # every Fernet token starts with its version byte 0x80, in base64


def encrypt_existing(apps, schema_editor):
    from core.crypto import encrypt_bytes

    Upload = apps.get_model("imports", "Upload")
    for pk, content in Upload.objects.exclude(content=b"").values_list("pk", "content").iterator():
        data = bytes(content or b"")
        if data and not data.startswith(FERNET_PREFIX):
            Upload.objects.filter(pk=pk).update(content=encrypt_bytes(data))


def decrypt_existing(apps, schema_editor):
    from core.crypto import decrypt_bytes

    Upload = apps.get_model("imports", "Upload")
    for pk, content in Upload.objects.exclude(content=b"").values_list("pk", "content").iterator():
        data = bytes(content or b"")
        if data.startswith(FERNET_PREFIX):
            Upload.objects.filter(pk=pk).update(content=decrypt_bytes(data))


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_product_clock")]

    operations = [migrations.RunPython(encrypt_existing, decrypt_existing)]
