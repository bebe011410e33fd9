"""Every data table in the templates sits in a focusable scroll container (WCAG 1.4.10 Reflow,
2.1.1 Keyboard): at 320 CSS px a table may be wider than the screen, but then only the table
scrolls sideways — in its own box, which a keyboard user can focus and scroll with the arrow
keys, and which a screen reader names. tests/browser/test_reflow.py measures the pages;
this check fails at once, without a browser, for a new table without the container."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
OPENING_DIV = re.compile(r"<div\b[^>]*>\s*$")

HOW = (
    'put it directly inside <div class="table-scroll" tabindex="0" role="region" '
    'aria-labelledby="ID">…</div>, where ID is the id of the table\'s <caption> (give it one) '
    'or of the heading above it — or aria-label="…" with a translated name. '
    "See docs/accessibility.md."
)


def container_problem(opening: str) -> str | None:
    """What the element opened just before a <table> lacks as a scroll container, or None."""
    if not re.search(r'\bclass="[^"]*\btable-scroll\b', opening):
        return "it is not inside a .table-scroll container"
    for attribute, pattern in (
        ('tabindex="0"', r'\btabindex="0"'),
        ('role="region"', r'\brole="region"'),
        ("aria-labelledby or aria-label", r'\baria-(labelledby|label)="[^"]+"'),
    ):
        if not re.search(pattern, opening):
            return f"its .table-scroll container has no {attribute}"
    return None


def table_problems(text: str) -> list[tuple[int, str]]:
    """(line, problem) for every <table> in a template's text not inside a proper container."""
    problems = []
    for match in re.finditer(r"<table\b", text):
        line = text.count("\n", 0, match.start()) + 1
        before = TEMPLATE_TAG.sub("", text[: match.start()]).rstrip()
        opening = OPENING_DIV.search(before + "\n")
        problem = container_problem(opening.group(0)) if opening else None
        if opening is None:
            problem = "it is not inside a .table-scroll container"
        if problem:
            problems.append((line, problem))
    return problems


def test_every_table_is_in_a_focusable_scroll_container():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for line, problem in table_problems(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(TEMPLATES.parent)}:{line}: {problem}")
    assert not problems, (
        "Data tables that would make the page scroll sideways at 320 px:\n"
        + "\n".join(problems)
        + "\nFor each: "
        + HOW
    )


LANDMARK_NAMED_BY = re.compile(
    r'<(?:section|nav|aside|form|main)\b[^>]*\baria-labelledby="([^"]+)"', re.I
)
CONTAINER_NAMED_BY = re.compile(r'<div\b[^>]*\btable-scroll\b[^>]*\baria-labelledby="([^"]+)"')


def test_no_scroll_container_shares_its_name_with_a_landmark():
    """A container named by the heading that also names its <section> makes two landmarks of
    one name (axe: landmark-unique): name it by the table's caption instead."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        landmarks = set(LANDMARK_NAMED_BY.findall(text))
        for name in CONTAINER_NAMED_BY.findall(text):
            if name in landmarks:
                problems.append(f"{path.relative_to(TEMPLATES.parent)}: {name}")
    assert not problems, (
        "Scroll containers named like the landmark around them: "
        + ", ".join(problems)
        + '. Give the table a <caption id="…"> and point aria-labelledby at it.'
    )


def test_the_check_sees_a_bare_table_and_accepts_the_container():
    assert table_problems('<h2>x</h2>\n<table class="table"></table>') == [
        (2, "it is not inside a .table-scroll container")
    ]
    assert table_problems('<div class="table-scroll">\n<table></table></div>') == [
        (2, 'its .table-scroll container has no tabindex="0"')
    ]
    good = (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="c">\n'
        '{% if x %}<table class="table"><caption id="c">C</caption></table>{% endif %}</div>'
    )
    assert table_problems(good) == []
