"""Rules and conditions in plain Chinese, for ``dossier catalog show`` and the reports.

Each rule type describes itself (:mod:`dossier.rules`); roster and fact names come from
the catalog. Kept as the import point of the first version.
"""

from __future__ import annotations

from dossier.records import Catalog, Condition, Rule
from dossier.rules import PERIODS, OPS, percent, unit_label as _unit_label  # noqa: F401
from dossier.rules import describe_condition as _describe_condition
from dossier.rules import describe_rule as _describe_rule


def unit_label(units: str, catalog: Catalog | None = None) -> str:
    return _unit_label(catalog, units)


def describe_rule(rule: Rule, catalog: Catalog | None = None) -> str:
    return _describe_rule(rule, catalog)


def describe_condition(cond: Condition, catalog: Catalog | None = None) -> str:
    return _describe_condition(cond, catalog)
