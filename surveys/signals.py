"""Invitations fall due when enrolments change (surveys/distribution.py). Connected in
SurveysConfig.ready()."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enrolment_saved(sender, instance, **kwargs):
    """One enrolment saved (a start, an exit): its invitations, after the commit."""
    if instance.started_on is None and instance.exited_on is None:
        return
    from .distribution import create_due

    enrolment_id, project_id = instance.pk, instance.project_id

    def make():
        try:
            create_due(project_ids=[project_id], enrolment_ids=[enrolment_id])
        except Exception:  # never let a survey invitation break the case work
            logger.exception("Survey invitations for an enrolment could not be made.")

    transaction.on_commit(make)


def counted_data_changed(sender, project_ids=None, enrolment_ids=None, **kwargs):
    """Enrolments written in bulk (the import): their invitations in the task queue."""
    if sender._meta.label != "enrolments.Enrolment" or not project_ids:
        return
    from .distribution import asks_in, create_due_task

    ids = sorted({int(pk) for pk in project_ids})

    def enqueue():
        try:
            if asks_in(ids):  # no task at all for projects that ask no questionnaire
                create_due_task.enqueue(ids)
        except Exception:
            logger.exception("Survey invitations could not be queued.")

    transaction.on_commit(enqueue)
