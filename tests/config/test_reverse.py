"""config.reverse: Django's reverse() and {% url %}, memoised per process, with the same URLs."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, NodeList, Template, engines
from django.template.defaulttags import URLNode as DjangoURLNode
from django.test import override_settings
from django.urls import NoReverseMatch, set_script_prefix, set_urlconf
from django.urls import reverse as django_reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from config import reverse as memo
from plans.models import Plan


@pytest.fixture(autouse=True)
def _empty_memo():
    memo._reverse.cache_clear()
    yield
    memo._reverse.cache_clear()
    set_script_prefix("/")


def _render(source: str, context: dict | None = None, *, autoescape: bool = True) -> str:
    engine = engines["django"].engine
    return Template(source, engine=engine).render(Context(context or {}, autoescape=autoescape))


def _render_with_django(source: str, context: dict | None = None, *, autoescape=True) -> str:
    """The same template through an engine with Django's builtins only."""
    engine = Engine(libraries={}, builtins=[])
    return engine.from_string(source).render(Context(context or {}, autoescape=autoescape))


def test_templates_use_the_memoised_url_tag():
    """Every template's {% url %} is config.reverse's node, a subclass of Django's."""
    nodes = Template("{% url 'plans:detail' 1 %}", engine=engines["django"].engine).nodelist
    [node] = NodeList(nodes).get_nodes_by_type(DjangoURLNode)
    assert type(node) is memo.URLNode


@pytest.mark.parametrize(
    "source",
    [
        "{% url 'plans:detail' 7 %}",
        "{% url 'plans:detail' pk=7 %}",
        "{% url 'plans:detail' plan_pk %}",
        "{% url 'plans:shared' token %}",
        "{% url 'activities:edit' plan_pk=3 pk=9 %}",
        "{% url 'account_login' %}",
        "{% url 'plans:detail' 7 as link %}[{{ link }}]",
        "{% url 'plans:nowhere' as link %}[{{ link }}]",
        "{% url 'plans:shared' odd %}",
    ],
)
@pytest.mark.parametrize("autoescape", [True, False])
def test_url_tag_writes_what_djangos_writes(source, autoescape):
    context = {"plan_pk": 42, "token": "a-b_c", "odd": "a b&c"}
    ours = _render(source, context, autoescape=autoescape)
    assert ours == _render_with_django(source, context, autoescape=autoescape)
    assert ours == _render(source, context, autoescape=autoescape)  # from the memo


def test_template_links_come_from_the_memo():
    """A template's view name is a SafeString and its arguments may be too: still memoised."""
    source = "{% url 'plans:detail' 7 %}{% url 'plans:shared' token %}"
    token = mark_safe("a-b")
    assert _render(source, {"token": token}) == "/plans/7//s/a-b/"
    assert _render(source, {"token": token}) == "/plans/7//s/a-b/"
    info = memo._reverse.cache_info()
    assert (info.misses, info.hits) == (2, 2)


def test_an_unknown_view_still_raises():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'plans:nowhere' %}")
    with pytest.raises(NoReverseMatch):
        memo.reverse("plans:detail", kwargs={"nope": 1})


def test_a_url_is_worked_out_once_per_process():
    first = memo.reverse("plans:detail", args=[5])
    second = memo.reverse("plans:detail", args=[5])
    assert first == second == django_reverse("plans:detail", args=[5]) == "/plans/5/"
    info = memo._reverse.cache_info()
    assert (info.misses, info.hits) == (1, 1)


class _Token:
    """Hashable by identity, shown by its current value: as a model instance is."""

    def __init__(self, value: str):
        self.value = value

    def __str__(self) -> str:
        return self.value


def test_objects_other_than_int_and_str_are_never_memoised():
    """str() of an object can change under the same hash: such links are reversed each time."""
    token = _Token("lisbon")
    assert memo.reverse("plans:shared", args=[token]) == "/s/lisbon/"
    token.value = "porto"
    assert memo.reverse("plans:shared", args=[token]) == "/s/porto/"
    assert memo.reverse("plans:detail", kwargs={"pk": Plan(pk=3).pk}) == "/plans/3/"
    assert memo._reverse.cache_info().currsize == 1


def test_the_script_prefix_is_part_of_the_key():
    assert memo.reverse("plans:detail", args=[5]) == "/plans/5/"
    set_script_prefix("/wayfarer/")
    assert memo.reverse("plans:detail", args=[5]) == "/wayfarer/plans/5/"
    assert _render("{% url 'plans:detail' 5 %}") == "/wayfarer/plans/5/"


def test_the_urlconf_is_part_of_the_key():
    """A request's own urlconf (request.urlconf, as set_urlconf applies it) and a changed
    ROOT_URLCONF each reverse against their own patterns."""
    with pytest.raises(NoReverseMatch):
        memo.reverse("bench-plain")
    set_urlconf("bench.urls")
    try:
        assert memo.reverse("bench-plain") == "/_bench/plain"
    finally:
        set_urlconf(None)
    with pytest.raises(NoReverseMatch):
        memo.reverse("bench-plain")
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert memo.reverse("bench-plain") == "/_bench/plain"


def test_the_language_is_part_of_the_key(translations):
    memo.reverse("plans:detail", args=[5])
    with translation.override("fr"):
        memo.reverse("plans:detail", args=[5])
    assert memo._reverse.cache_info().currsize == 2


def test_a_settings_change_empties_the_memo(settings):
    memo.reverse("plans:detail", args=[5])
    settings.USE_THOUSAND_SEPARATOR = True
    assert memo._reverse.cache_info().currsize == 0
