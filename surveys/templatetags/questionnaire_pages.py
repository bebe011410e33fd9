"""For the Surveys page's list of questionnaires (templates/surveys/_questionnaire_list.html):
each questionnaire's occasions and languages, with how many questions lack a text in each."""

from django import template

from surveys import questionnaires

register = template.Library()


@register.simple_tag
def questionnaire_summary(questionnaire) -> dict:
    return {
        "occasions": questionnaires.occasion_names(questionnaire),
        "languages": questionnaires.completeness(questionnaire),
    }
