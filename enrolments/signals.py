"""Signals of the enrolments app, answered by the apps built on it (which enrolments never
imports: tests/test_import_graph.py).

`timeline_events` — sent by enrolments.timeline.build_timeline() with `enrolment=` and
`request=`. Each receiver returns its app's events of the enrolment for the participant page's
timeline: dicts with "kind" (a key of enrolments.timeline._RANK), "date", "obj" and "pk", read
in a fixed number of queries whatever the number of rows. plans (assessments, action plans) and
interventions (placements) answer it from their timeline.py, connected in AppConfig.ready().
"""

from django.dispatch import Signal

timeline_events = Signal()

enrolments_exited = Signal()
"""`enrolments_exited` — sent inside the transaction that records exits, with `exits=` a dict
{enrolment id: exit date} and `by=` the acting user (None for a system write): by
enrolments.services.change_status() for one exit (the exit form, the API) and by the
spreadsheet import for its rows. interventions ends the enrolments' ongoing placements at the
exit date (interventions/services.end_placements_at_exit), connected in AppConfig.ready(), so
an exited person no longer takes part in group sessions after their exit.
"""

exit_corrected = Signal()
"""`exit_corrected` — sent inside the transaction of a corrected exit date
(enrolments.services.correct_exit), with `enrolment_id=`, `old=` and `new=` (the exit dates)
and `by=`. interventions moves the end of the placements that ended at the old exit date
("ended at exit") to the new one (interventions/corrections.py), so a placement still ends
when the person left.
"""
