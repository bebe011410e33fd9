"""The audit log's chain for the entries written before it (in id order), the person each
participant entry is about, and the triggers that make the table append-only (core/audit_db.py).
The triggers come last: nothing may update an entry after this migration."""

from django.db import migrations


def seal_existing(apps, schema_editor):
    from core.audit import GENESIS, PERSON_TYPE, chain_hash

    LogEntry = apps.get_model("core", "LogEntry")
    previous = GENESIS
    for seq, entry in enumerate(LogEntry.objects.order_by("pk").iterator(), start=1):
        entry.seq = seq
        if entry.object_type == PERSON_TYPE and entry.object_id.isdigit():
            entry.person_id = int(entry.object_id)
        entry.chain_hash = previous = chain_hash(previous, entry)
        LogEntry.objects.filter(pk=entry.pk).update(
            seq=entry.seq, person_id=entry.person_id, chain_hash=entry.chain_hash
        )


def install_triggers(apps, schema_editor):
    from core import audit_db

    audit_db.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    from core import audit_db

    audit_db.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_chain")]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, uninstall_triggers),
    ]
