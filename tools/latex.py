r"""LaTeX of the model's equations, generated from their one written form.

:func:`latex` renders one expression of :mod:`sim.model.equations` with the symbols of
:data:`sim.model.equations.SYMBOLS`; :func:`equations_block` renders a whole group as one
``aligned`` display for ``docs/model.md`` (``tools/make_docs.py`` writes it between the
``equations-GROUP`` markers). Typographic rules: ``relu(z)`` is :math:`(z)_+`; ``guard`` (a
numerical floor that is the identity on physiological states) and multiplying or dividing by
``Q(1, unit)`` (a unit conversion) are left out; ``where(test, a, 0)`` is :math:`a\,[test]`.
"""

from __future__ import annotations

import ast

from sim.model.equations import GROUPS, SYMBOLS, parse

_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(5)


def symbol(name: str) -> str:
    """The LaTeX symbol of an id (a ``KeyError`` names the dictionary to extend)."""
    try:
        return SYMBOLS[name]
    except KeyError:
        raise KeyError(
            f"{name!r} has no LaTeX symbol: add it to SYMBOLS in sim/model/equations.py"
        ) from None


def _number(value: float) -> str:
    text = f"{value:g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else f"{mantissa} \\times {power}"
    return text


def _is_unit_one(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Q"
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == 1
    )


def _paren(text: str) -> str:
    return f"\\left({text}\\right)"


def _wrap(node: ast.expr, at_least: int) -> str:
    text, prec = _render(node)
    return text if prec >= at_least else _paren(text)


def _render(node: ast.expr) -> tuple[str, int]:
    if isinstance(node, ast.Name):
        return symbol(node.id), _ATOM
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))
        return _number(node.value), _ATOM
    if isinstance(node, ast.UnaryOp):
        return f"-{_wrap(node.operand, _POWER)}", _UNARY
    if isinstance(node, ast.Compare):
        op = ">" if isinstance(node.ops[0], ast.Gt) else "<"
        return f"{_render(node.left)[0]} {op} {_render(node.comparators[0])[0]}", _ATOM
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Mult, ast.Div)) and _is_unit_one(node.right):
            return _render(node.left)
        if isinstance(node.op, ast.Add):
            return f"{_wrap(node.left, _SUM)} + {_wrap(node.right, _PRODUCT)}", _SUM
        if isinstance(node.op, ast.Sub):
            return f"{_wrap(node.left, _SUM)} - {_wrap(node.right, _PRODUCT)}", _SUM
        if isinstance(node.op, ast.Mult):
            left, right = _wrap(node.left, _PRODUCT), _wrap(node.right, _UNARY)
            numeric = isinstance(node.right, ast.Constant) or right[:1].isdigit()
            times = r"\cdot" if numeric else r"\,"
            return f"{left} {times} {right}", _PRODUCT
        if isinstance(node.op, ast.Div):
            return f"\\frac{{{_render(node.left)[0]}}}{{{_render(node.right)[0]}}}", _ATOM
        assert isinstance(node.op, ast.Pow)
        if isinstance(node.right, ast.Constant) and node.right.value == 0.5:
            return f"\\sqrt{{{_render(node.left)[0]}}}", _ATOM
        base = _render(node.left)[0]
        if not isinstance(node.left, (ast.Name, ast.Constant)):
            base = _paren(base)  # also a fraction: (a/b)^n, not a/b^n
        return f"{base}^{{{_render(node.right)[0]}}}", _POWER
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name, args = node.func.id, node.args
    if name == "Q":
        return _render(args[0])
    if name == "guard":
        return _render(args[0])
    if name == "relu":
        return f"{_paren(_render(args[0])[0])}_+", _ATOM
    if name == "exp":
        return f"\\exp{_paren(_render(args[0])[0])}", _ATOM
    assert name == "where"
    test, value, other = (_render(a)[0] for a in args)
    if other == "0":
        return f"{_wrap(args[1], _PRODUCT)}\\,[{test}]", _PRODUCT
    return (
        f"\\begin{{cases}} {value} & {test} \\\\ {other} & \\text{{otherwise}} \\end{{cases}}",
        _ATOM,
    )


def latex(expr: str) -> str:
    """The LaTeX of one expression of :mod:`sim.model.equations`."""
    return _render(parse(expr))[0]


def equations_block(group: str) -> str:
    """A group's equations as one display: ``symbol &= ...`` lines, rates dotted."""
    lines = []
    for eq in GROUPS[group]:
        lhs = f"\\dot{{{symbol(eq.name)}}}" if eq.rate else symbol(eq.name)
        lines.append(f"{lhs} &= {latex(eq.expr)}")
    body = " \\\\\n".join(lines)
    return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$"
