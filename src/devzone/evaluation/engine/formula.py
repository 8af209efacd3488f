"""A small, safe expression language compiled to Polars expressions.

Grammar (lowest precedence first)::

    expr     := cond
    cond     := or_expr [ "if" or_expr "else" cond ]
    or_expr  := and_expr { "or" and_expr }
    and_expr := not_expr { "and" not_expr }
    not_expr := "not" not_expr | compare
    compare  := sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum ]
    sum      := product { ("+" | "-") product }
    product  := unary { ("*" | "/") unary }
    unary    := ("-" | "+") unary | primary
    primary  := NUMBER | "true" | "false" | NAME | NAME "(" [ expr { "," expr } ] ")" | "(" expr ")"

Functions: min, max (two or more arguments), clip(x, low, high), abs(x), if(cond, then, else),
coalesce(a, b, ...). Names are input columns. Nothing is ever passed to Python's eval: the text is
tokenised, parsed by a Pratt parser into a tiny AST and compiled to ``polars.Expr``.

Null semantics: arithmetic, comparisons, min/max/clip/abs propagate null; ``if`` takes the else branch
when the condition is null; ``coalesce`` returns its first non-null argument.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import polars as pl

from devzone.evaluation.engine.errors import FormulaError

MAX_LENGTH = 1000
MAX_DEPTH = 60

KEYWORDS = frozenset({"and", "or", "not", "if", "else", "true", "false"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
# function name -> (minimum arguments, maximum arguments or None for unbounded)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "clip": (3, 3),
    "abs": (1, 1),
    "if": (3, 3),
    "coalesce": (2, None),
}
# binding powers for infix operators
INFIX_POWER: dict[str, int] = {
    "if": 10,
    "or": 20,
    "and": 30,
    **dict.fromkeys(COMPARISONS, 50),
    "+": 60,
    "-": 60,
    "*": 70,
    "/": 70,
}
NOT_POWER = 40
UNARY_POWER = 80


# --- tokens ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    position: int  # 1-based character position


def tokenize(text: str) -> list[Token]:
    """Split a formula into tokens; refuse any character outside the language."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char.isascii() and (char.isdigit() or (char == "." and _digit_at(text, index + 1))):
            index = _read_number(text, index, tokens)
        elif char.isascii() and (char.isalpha() or char == "_"):
            index = _read_name(text, index, tokens)
        elif text.startswith(("<=", ">=", "==", "!="), index):
            tokens.append(Token("op", text[index : index + 2], index + 1))
            index += 2
        elif char in "+-*/()<>,":
            tokens.append(Token("op", char, index + 1))
            index += 1
        elif char == ".":
            raise FormulaError(f"第{index + 1}个字符处不允许属性访问 '.'", index + 1)
        else:
            raise FormulaError(f"第{index + 1}个字符处有不允许的字符 {char!r}", index + 1)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _digit_at(text: str, index: int) -> bool:
    return index < len(text) and text[index].isascii() and text[index].isdigit()


def _read_number(text: str, start: int, tokens: list[Token]) -> int:
    index = start
    seen_dot = seen_exp = False
    while index < len(text):
        char = text[index]
        if char.isascii() and char.isdigit():
            index += 1
        elif char == "." and not seen_dot and not seen_exp:
            seen_dot = True
            index += 1
        elif (
            char in "eE"
            and not seen_exp
            and (
                _digit_at(text, index + 1)
                or (text[index + 1 : index + 2] in ("+", "-") and _digit_at(text, index + 2))
            )
        ):
            seen_exp = True
            index += 2
        else:
            break
    if index < len(text) and (text[index].isalpha() or text[index] in "_."):
        raise FormulaError(f"第{index + 1}个字符处的数字写法有误", index + 1)
    tokens.append(Token("num", text[start:index], start + 1))
    return index


def _read_name(text: str, start: int, tokens: list[Token]) -> int:
    index = start
    while index < len(text) and text[index].isascii() and (text[index].isalnum() or text[index] == "_"):
        index += 1
    name = text[start:index]
    if name.startswith("__"):
        raise FormulaError(f"第{start + 1}个字符处的名称 {name} 不允许以双下划线开头", start + 1)
    if index < len(text) and text[index] == ".":
        raise FormulaError(f"第{index + 1}个字符处不允许属性访问 '.'", index + 1)
    tokens.append(Token("name", name, start + 1))
    return index


# --- syntax tree ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Boolean:
    value: bool


@dataclass(frozen=True)
class Column:
    name: str
    position: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-", "+", "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Number | Boolean | Column | Unary | Binary | Call


# --- parser ---------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect_close(self) -> None:
        token = self.current
        if token.kind == "op" and token.text == ")":
            self.advance()
            return
        if token.kind == "end":
            raise FormulaError(f"第{token.position}个字符处缺少右括号", token.position)
        raise FormulaError(f"第{token.position}个字符处应为右括号, 实际为 {token.text!r}", token.position)

    def parse(self, power: int = 0) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("公式嵌套过深", self.current.position)
        left = self.prefix()
        while True:
            token = self.current
            op = token.text if token.kind in ("op", "name") else ""
            op_power = INFIX_POWER.get(op, 0)
            if op_power <= power:
                break
            self.advance()
            left = self.infix(left, token, op_power)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind == "num":
            return Number(float(token.text))
        if token.kind == "end":
            raise FormulaError(f"第{token.position}个字符处缺少操作数, 公式不完整", token.position)
        if token.kind == "op":
            return self.prefix_operator(token)
        return self.prefix_name(token)

    def prefix_operator(self, token: Token) -> Node:
        if token.text == "(":
            inner = self.parse()
            self.expect_close()
            return inner
        if token.text in ("-", "+"):
            operand = self.parse(UNARY_POWER)
            _require_kind(operand, "num", token)
            return operand if token.text == "+" else Unary("-", operand)
        raise FormulaError(f"第{token.position}个字符处不应出现 {token.text!r}", token.position)

    def prefix_name(self, token: Token) -> Node:
        name = token.text
        if name in ("true", "false"):
            return Boolean(name == "true")
        if name == "not":
            operand = self.parse(NOT_POWER)
            _require_kind(operand, "bool", token)
            return Unary("not", operand)
        is_call = self.current.kind == "op" and self.current.text == "("
        if is_call:
            return self.call(token)
        if name in KEYWORDS:
            raise FormulaError(f"第{token.position}个字符处不应出现关键字 {name}", token.position)
        if name in FUNCTIONS:
            raise FormulaError(f"第{token.position}个字符处的函数 {name} 缺少参数括号", token.position)
        return Column(name, token.position)

    def call(self, token: Token) -> Node:
        name = token.text
        if name not in FUNCTIONS:
            raise FormulaError(f"第{token.position}个字符处是未知的函数 {name}", token.position)
        self.advance()  # "("
        args: list[Node] = []
        if not (self.current.kind == "op" and self.current.text == ")"):
            args.append(self.parse())
            while self.current.kind == "op" and self.current.text == ",":
                self.advance()
                args.append(self.parse())
        self.expect_close()
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"{low}" if low == high else f"至少 {low}"
            raise FormulaError(
                f"第{token.position}个字符处的函数 {name} 需要{wanted}个参数, 实际为{len(args)}个",
                token.position,
            )
        _check_call_kinds(name, args, token)
        return Call(name, tuple(args))

    def infix(self, left: Node, token: Token, power: int) -> Node:
        op = token.text
        if op == "if":
            condition = self.parse(power)
            _require_kind(condition, "bool", token)
            other = self.current
            if not (other.kind == "name" and other.text == "else"):
                raise FormulaError(f"第{other.position}个字符处缺少 else", other.position)
            self.advance()
            otherwise = self.parse(power - 1)  # right-associative
            return Call("if", (condition, left, otherwise))
        right = self.parse(power)
        if op in COMPARISONS:
            nxt = self.current
            if nxt.kind == "op" and nxt.text in COMPARISONS:
                raise FormulaError(f"第{nxt.position}个字符处不允许连续比较, 请用 and 连接", nxt.position)
            _require_kind(left, "num", token)
            _require_kind(right, "num", token)
        elif op in ("and", "or"):
            _require_kind(left, "bool", token)
            _require_kind(right, "bool", token)
        else:
            _require_kind(left, "num", token)
            _require_kind(right, "num", token)
        return Binary(op, left, right)


def kind_of(node: Node) -> str:
    """Static kind: "num", "bool" or "any" (a column, whose type is only known at run time)."""
    if isinstance(node, Number):
        return "num"
    if isinstance(node, Boolean):
        return "bool"
    if isinstance(node, Column):
        return "any"
    if isinstance(node, Unary):
        return "bool" if node.op == "not" else "num"
    if isinstance(node, Binary):
        return "bool" if node.op in COMPARISONS or node.op in ("and", "or") else "num"
    if node.name == "if":
        kinds = {kind_of(node.args[1]), kind_of(node.args[2])}
        return kinds.pop() if len(kinds) == 1 else "any"
    if node.name == "coalesce":
        kinds = {kind_of(arg) for arg in node.args}
        return kinds.pop() if len(kinds) == 1 else "any"
    return "num"


def _require_kind(node: Node, wanted: str, token: Token) -> None:
    actual = kind_of(node)
    if actual not in ("any", wanted):
        described = "数值" if wanted == "num" else "条件(真/假)"
        raise FormulaError(
            f"第{token.position}个字符处 {token.text!r} 的操作数应为{described}", token.position
        )


def _check_call_kinds(name: str, args: list[Node], token: Token) -> None:
    if name == "if":
        _require_kind(args[0], "bool", token)
    elif name != "coalesce":
        for arg in args:
            _require_kind(arg, "num", token)


# --- public API -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, syntax tree and the input columns it reads."""

    text: str
    tree: Node
    columns: frozenset[str] = field(default_factory=frozenset)

    @property
    def kind(self) -> str:
        return kind_of(self.tree)

    def to_expr(self, substitutions: Mapping[str, pl.Expr] | None = None) -> pl.Expr:
        """Compile to a Polars expression; `substitutions` replace columns by other expressions."""
        return compile_node(self.tree, substitutions or {})

    def dependence_on(self, column: str) -> str:
        """ "const", "affine" or "nonlinear": how the formula's value depends on `column`."""
        return _dependence(self.tree, column)


def parse_formula(text: str, columns: Collection[str] | None = None) -> Formula:
    """Parse `text`; when `columns` is given, every name must be one of them."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("公式为空")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长(超过{MAX_LENGTH}个字符)")
    parser = _Parser(tokenize(text))
    tree = parser.parse()
    trailing = parser.current
    if trailing.kind != "end":
        if trailing.kind == "op" and trailing.text == ")":
            raise FormulaError(f"第{trailing.position}个字符处有多余的右括号", trailing.position)
        raise FormulaError(f"第{trailing.position}个字符处有多余的内容 {trailing.text!r}", trailing.position)
    used = _collect_columns(tree)
    if columns is not None:
        known = set(columns)
        for column in sorted(used, key=lambda c: c.position):
            if column.name not in known:
                raise FormulaError(f"第{column.position}个字符处是未知的列 {column.name}", column.position)
    return Formula(text=text, tree=tree, columns=frozenset(c.name for c in used))


def _collect_columns(node: Node) -> list[Column]:
    if isinstance(node, Column):
        return [node]
    if isinstance(node, Unary):
        return _collect_columns(node.operand)
    if isinstance(node, Binary):
        return _collect_columns(node.left) + _collect_columns(node.right)
    if isinstance(node, Call):
        return [column for arg in node.args for column in _collect_columns(arg)]
    return []


def _dependence(node: Node, column: str) -> str:
    if isinstance(node, Number | Boolean):
        return "const"
    if isinstance(node, Column):
        return "affine" if node.name == column else "const"
    if isinstance(node, Unary):
        inner = _dependence(node.operand, column)
        return inner if node.op == "-" else ("const" if inner == "const" else "nonlinear")
    if isinstance(node, Binary):
        return _binary_dependence(node, column)
    parts = {_dependence(arg, column) for arg in node.args}
    return "const" if parts == {"const"} else "nonlinear"


def _binary_dependence(node: Binary, column: str) -> str:
    left, right = _dependence(node.left, column), _dependence(node.right, column)
    if "nonlinear" in (left, right):
        return "nonlinear"
    if node.op in ("+", "-"):
        return "affine" if "affine" in (left, right) else "const"
    if node.op == "*":
        if left == "affine" and right == "affine":
            return "nonlinear"
        return "affine" if "affine" in (left, right) else "const"
    if node.op == "/":
        return "nonlinear" if right == "affine" else left
    return "const" if left == right == "const" else "nonlinear"


# --- compilation ----------------------------------------------------------------------------------------


def _any_null(args: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal([arg.is_null() for arg in args])


def _min(args: list[pl.Expr]) -> pl.Expr:
    return pl.when(_any_null(args)).then(None).otherwise(pl.min_horizontal(args))


def _max(args: list[pl.Expr]) -> pl.Expr:
    return pl.when(_any_null(args)).then(None).otherwise(pl.max_horizontal(args))


def _clip(args: list[pl.Expr]) -> pl.Expr:
    return _min([_max([args[0], args[1]]), args[2]])


def _if(args: list[pl.Expr]) -> pl.Expr:
    return pl.when(args[0]).then(args[1]).otherwise(args[2])


CALL_COMPILERS: dict[str, Callable[[list[pl.Expr]], pl.Expr]] = {
    "min": _min,
    "max": _max,
    "clip": _clip,
    "abs": lambda args: args[0].abs(),
    "if": _if,
    "coalesce": pl.coalesce,
}

BINARY_COMPILERS: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
}


def compile_node(node: Node, substitutions: Mapping[str, pl.Expr]) -> pl.Expr:
    if isinstance(node, Number):
        return pl.lit(node.value, dtype=pl.Float64)
    if isinstance(node, Boolean):
        return pl.lit(node.value, dtype=pl.Boolean)
    if isinstance(node, Column):
        return substitutions.get(node.name, pl.col(node.name))
    if isinstance(node, Unary):
        operand = compile_node(node.operand, substitutions)
        return ~operand.cast(pl.Boolean) if node.op == "not" else -operand
    if isinstance(node, Binary):
        left = compile_node(node.left, substitutions)
        right = compile_node(node.right, substitutions)
        if node.op in ("and", "or"):
            left, right = left.cast(pl.Boolean), right.cast(pl.Boolean)
        return BINARY_COMPILERS[node.op](left, right)
    args = [compile_node(arg, substitutions) for arg in node.args]
    if node.name == "if":
        args[0] = args[0].cast(pl.Boolean)
    return CALL_COMPILERS[node.name](args)
