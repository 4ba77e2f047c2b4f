"""The curves' tables of a snapshot's results, stored apart from the rest (EndpointCurve rows).

A snapshot's results hold every Kaplan-Meier and cumulative-incidence table, pooled and per site: megabytes at
tens of thousands of participants, when the counts and rates around them are kilobytes. A change moves a few
curves at most, so the tables are taken out of the results before they are stored, each with the fingerprint
of its inputs (calculations.km_digest), and put back when a reader needs them. Pure functions over plain data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from endpoints.calculations.aggregation import CIF_KEYS, KM_KEYS, RESPONDER_KM_KEYS

ALL = "ALL"  # the pooled scope (DashboardPanel.ALL)

# path of a curve in a scope's results -> the key of its inputs' fingerprint in results["km_digests"] (a
# competing-death incidence is fitted from the same inputs as its relapse incidence)
CURVE_DIGEST_KEYS: dict[str, str] = {
    **{f"km.{key}": key for key in KM_KEYS},
    **{f"responders.km.{key}": key for key in RESPONDER_KM_KEYS},
    **{f"responders.cif.{key}": key for key in CIF_KEYS},
    **{f"responders.cif.{key.replace('CIR', 'CID')}": key for key in CIF_KEYS},
}

Curves = dict[tuple[str, str], tuple[str, list | None]]


def _scopes(results: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield ALL, results
    yield from (results.get("by_site") or {}).items()


def _curve(block: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    node: Any = block
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) else None


def _set_curve(block: dict[str, Any], path: str, curve: dict[str, Any]) -> None:
    """Put `curve` at `path` of `block`, copying the dicts along the path (the caller's are left as they were)."""
    *parents, last = path.split(".")
    node = block
    for part in parents:
        node[part] = dict(node[part])
        node = node[part]
    node[last] = curve


def _lean_block(block: Mapping[str, Any]) -> dict[str, Any]:
    """A scope's results with its curves' "table" left out."""
    out = dict(block)
    for path in CURVE_DIGEST_KEYS:
        curve = _curve(block, path)
        if curve is not None and "table" in curve:
            _set_curve(out, path, {k: v for k, v in curve.items() if k != "table"})
    return out


def detach_tables(results: Mapping[str, Any], calc_version: str) -> tuple[dict[str, Any], Curves]:
    """(the results without their curves' tables, (scope, path) -> (digest, table)).

    digest: `calc_version` and the fingerprint of the curve's inputs. table None: the curve came without one
    (taken over from stored results whose tables are already stored apart); its stored table, of the same
    digest, stands. `results` is not modified.
    """
    curves: Curves = {}
    lean: dict[str, Any] = {}
    for scope, block in _scopes(results):
        digests = block.get("km_digests") or {}
        for path, digest_key in CURVE_DIGEST_KEYS.items():
            curve = _curve(block, path)
            if curve is None:
                continue
            if digest_key not in digests:
                raise ValueError(f"the curve {path} of scope {scope} has no fingerprint of its inputs")
            curves[(scope, path)] = (f"{calc_version}:{digests[digest_key]}", curve.get("table"))
        if scope == ALL:
            lean = _lean_block(block)
        else:
            lean["by_site"] = {**lean.get("by_site", {}), scope: _lean_block(block)}
    return lean, curves


def attach_tables(results: Mapping[str, Any], tables: Mapping[tuple[str, str], list]) -> dict[str, Any]:
    """The results with the tables of (scope, path) put back into their curves (a curve that has a table
    already, stored inline before tables were stored apart, keeps it). `results` is not modified."""

    def attach(block: Mapping[str, Any], scope: str) -> dict[str, Any]:
        out = dict(block)
        for path in CURVE_DIGEST_KEYS:
            curve = _curve(block, path)
            if curve is not None and "table" not in curve and (scope, path) in tables:
                _set_curve(out, path, {**curve, "table": tables[(scope, path)]})
        return out

    full = attach(results, ALL)
    if "by_site" in results:
        full["by_site"] = {code: attach(block, code) for code, block in results["by_site"].items()}
    return full


def curves_to_write(curves: Curves, stored: Mapping[tuple[str, str], str]) -> tuple[list, list]:
    """(the (scope, path) whose table must be written, the stored (scope, path) no longer in the results),
    given the digests of the stored tables. A curve without a table must find its digest stored."""
    write = []
    for key, (digest, table) in curves.items():
        if stored.get(key) == digest:
            continue
        if table is None:
            raise ValueError(f"the curve {key} was taken over without its table, and none of its inputs is stored")
        write.append(key)
    return write, sorted(set(stored) - set(curves))
