"""Signals by which the lower apps announce their writes to the apps above them.

An app never imports an app above it (tests/test_import_graph.py): a write that changes data a
higher app keeps figures of says so here, and the higher app subscribes in its AppConfig.ready().

`counted_data_changed` — rows that goals count were written in a way that sends no model signal
(a bulk write, an `.update()`, a raw insert). Sent inside the write's transaction, with
`project_ids=` (the projects whose data changed) and/or `enrolment_ids=` (the enrolments whose
rows changed), and `sender=` the model whose rows were written. The receivers run at once, in
that same transaction (goals raises the projects' summary data version and queues a refresh
after the commit: goals/signals.py). Model saves and deletes need no call: goals listens to
post_save/post_delete of the counted models itself.
"""

from django.dispatch import Signal

counted_data_changed = Signal()

records_outside_period = Signal()
"""`records_outside_period` — sent by core.periods.records_outside() before a project's period is
shortened, with `project=`, `starts_on=`, `ends_on=` (the proposed period) and
`follow_up_until=` (the last date a follow-up may carry in it). Each receiver returns a list of
(label, count): its app's records of the project with a date outside the proposed period, by
kind, the label in the user's language. enrolments (enrolments/periods.py) and interventions
(interventions/periods.py) answer it, connected in their AppConfig.ready().
"""

person_by_identity_number = Signal()
"""`person_by_identity_number` — sent by the audit search (core/views_audit.py) with `number=`,
`by=` and `project=`: participants answers with the person's id or None, through its one
counted and logged look-up (participants.lookup.find), connected in its AppConfig.ready()."""

project_page_sections = Signal()
"""`project_page_sections` — sent by the project page (core.views.project_detail) with
`request=`, `project=` and `membership=`. Each receiver returns HTML to show on the page (a
rendered template, for the reader and with the reader's disclosure applied) or "" for nothing.
reports answers it for a parent project with its sub-project table and its goals over all its
parts (reports/rollups.py), connected in its AppConfig.ready().
"""
