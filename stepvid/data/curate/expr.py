"""Safe filter expressions over clip tags: ``"motion_mean > 0.5 and not has_subtitle"``.

Parsed with ``ast`` and checked against a whitelist (boolean logic, comparisons, arithmetic, numbers,
strings, column names, tuples/lists for ``in``, and the functions abs/min/max); anything else — attribute
access, subscripts, other calls, lambdas, comprehensions — is refused before evaluation, naming the
offending token. Unknown columns are reported by name together with the known ones. A comparison
involving a missing value (None) is False, so rows lacking a tag never pass a threshold on it; division
by zero gives a missing value, as in SQL.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable
from typing import Any

_CMP = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_BIN = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_FUNCS = {"abs": abs, "min": min, "max": max}


class FilterError(ValueError):
    """A filter expression that is malformed, uses a forbidden construct or names an unknown column."""


_MAX_EXPONENT = 64  # filters compare tags; a larger power (e.g. 9**9**9) would only exhaust the machine


def _check_bounded(op: ast.operator, a: Any, b: Any, expr: str) -> None:
    """Refuse the two arithmetic forms whose cost is unbounded: huge powers and repeated strings/sequences."""
    if isinstance(op, ast.Pow) and isinstance(b, (int, float)) and abs(b) > _MAX_EXPONENT:
        raise FilterError(f"filter {expr!r}: exponent {b!r} too large (at most {_MAX_EXPONENT})")
    if isinstance(op, ast.Mult) and (isinstance(a, (str, tuple)) or isinstance(b, (str, tuple))):
        raise FilterError(f"filter {expr!r}: repeating strings or tuples with * is not allowed")


def _between(src: str, left: ast.AST, right: ast.AST, fallback: str) -> str:
    """The operator token between two operands (their source text ends and starts around it)."""
    if getattr(left, "end_lineno", None) == 1 and getattr(right, "lineno", None) == 1:
        return src[left.end_col_offset : right.col_offset].strip().strip("()").strip() or fallback
    return fallback


def _syntax_token(src: str, offset: int | None) -> str:
    rest = src[max(0, (offset or 1) - 1) :].split()
    return f"at {rest[0]!r}" if rest else "at the end of the expression"


def compile_filter(expr: str, columns: Iterable[str] | None = None) -> Callable[[dict[str, Any]], bool]:
    """Compile ``expr`` into ``row -> bool``. With ``columns`` given, unknown names fail here, not per row.

    Errors name the offending token: ``filter 'a >> 1': '>>' is not allowed (...)``."""
    src = expr.strip()
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        raise FilterError(
            f"filter {expr!r}: syntax error {_syntax_token(src, exc.offset)} (column {exc.offset}): {exc.msg}"
        ) from exc
    known = set(columns) if columns is not None else None
    names: set[str] = set()

    def refuse(token: str, why: str) -> FilterError:
        return FilterError(f"filter {expr!r}: {token!r} is not allowed ({why})")

    def seg(node: ast.AST) -> str:
        return ast.get_source_segment(src, node) or type(node).__name__

    def check(node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if node.id not in _FUNCS and node.id not in ("True", "False", "None"):
                names.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS or node.keywords:
                raise refuse(seg(node), "only abs(), min() and max() may be called, without keywords")
            for a in node.args:
                check(a)
            return
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool, type(None))):
                raise refuse(seg(node), "constants are numbers, strings, True, False and None")
        elif isinstance(node, ast.Compare):
            lefts = [node.left, *node.comparators]
            for i, op in enumerate(node.ops):
                if type(op) not in _CMP:
                    token = _between(src, lefts[i], lefts[i + 1], type(op).__name__)
                    raise refuse(token, "comparisons are ==, !=, <, <=, >, >=, in, not in")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BIN:
                token = _between(src, node.left, node.right, type(node.op).__name__)
                raise refuse(token, "arithmetic is + - * / % // **")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
                raise refuse(seg(node)[:1], "unary operators are not, - and +")
        elif not isinstance(
            node,
            (
                ast.Expression,
                ast.BoolOp,
                ast.And,
                ast.Or,
                ast.Tuple,
                ast.List,
                ast.Load,
                *map(type, [op() for op in _CMP]),
                ast.Not,
                ast.USub,
                ast.UAdd,
                *_BIN,
            ),
        ):
            raise refuse(seg(node), f"{type(node).__name__} is not allowed in a filter expression")
        for child in ast.iter_child_nodes(node):
            check(child)

    check(tree)
    if known is not None:
        unknown = sorted(names - known)
        if unknown:
            raise FilterError(
                f"filter {expr!r}: unknown column {', '.join(map(repr, unknown))}; "
                f"known columns: {', '.join(sorted(known))}"
            )

    def ev(node: ast.AST, row: dict[str, Any]) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body, row)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in row:
                return row[node.id]
            raise FilterError(
                f"filter {expr!r}: unknown column {node.id!r}; known columns: {', '.join(sorted(row))}"
            )
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                return all(ev(v, row) for v in node.values)
            return any(ev(v, row) for v in node.values)
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand, row)
            if isinstance(node.op, ast.Not):
                return not v
            if v is None:
                return None
            return -v if isinstance(node.op, ast.USub) else +v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left, row), ev(node.right, row)
            if a is None or b is None:
                return None
            _check_bounded(node.op, a, b, expr)
            try:
                return _BIN[type(node.op)](a, b)
            except ZeroDivisionError:
                return None  # like SQL: x / 0 is missing, so a comparison with it is False
            except OverflowError as exc:
                raise FilterError(f"filter {expr!r}: overflow on row {row.get('clip_id', '?')}: {exc}") from exc
        if isinstance(node, ast.Compare):
            left = ev(node.left, row)
            for op, right_node in zip(node.ops, node.comparators):
                right = ev(right_node, row)
                if left is None or right is None:
                    if type(op) in (ast.Eq, ast.NotEq):
                        if not _CMP[type(op)](left, right):
                            return False
                    else:
                        return False
                elif not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(ev(e, row) for e in node.elts)
        if isinstance(node, ast.Call):
            args = [ev(a, row) for a in node.args]
            return None if any(a is None for a in args) else _FUNCS[node.func.id](*args)
        raise FilterError(
            f"filter {expr!r}: cannot evaluate {type(node).__name__}"
        )  # unreachable after check()

    def predicate(row: dict[str, Any]) -> bool:
        try:
            return bool(ev(tree, row))
        except TypeError as exc:
            where = f" on row {row['clip_id']}" if row.get("clip_id") else ""
            raise FilterError(f"filter {expr!r}: type error{where}: {exc}") from exc

    predicate.columns = frozenset(names)  # type: ignore[attr-defined]
    predicate.expr = expr  # type: ignore[attr-defined]
    return predicate
