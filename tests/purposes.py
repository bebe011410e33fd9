"""The purpose question (core/purpose.py) answered as a user would, for tests whose reader opens
people outside their own caseload: the form is posted once per person, as in a session."""

from django.urls import reverse


def give_purpose(client, *enrolments, purpose: str = "follow_up"):
    for enrolment in enrolments:
        response = client.post(
            reverse("enrolments:read_purpose", args=[enrolment.project_id, enrolment.pk]),
            {"purpose": purpose},
        )
        assert response.status_code == 302, response.status_code
    return client
