"""Every table has one owner: each SQL write in the code is made by the module core/db/owners.py names for it.

The scan reads the string literals (f-strings included, docstrings left out) of every module under core/, ui/,
pages/ and app.py and finds the statements that change a table. A formatted table name (`DELETE FROM {table}`)
stands for every table the module names in a literal of its own, e.g. the tuple its loop runs over. Temporary
tables (CREATE TEMP TABLE), names starting with `_` and frames the module registers with con.register are
scratch space, not warehouse tables.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from core.db.owners import OWNERS, may_write
from core.db.warehouse import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*(ROOT / "core").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]
)

_TARGET = r'"?(?:main\.)?(?P<table>\{[^}]*\}|\w+)"?'
_WRITES = [
    (statement, re.compile(pattern.replace("TARGET", _TARGET), re.IGNORECASE))
    for statement, pattern in (
        ("INSERT", r"\bINSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO\s+TARGET"),
        ("UPDATE", r"\bUPDATE\s+TARGET\s+SET\b"),
        ("DELETE", r"\bDELETE\s+FROM\s+TARGET"),
        (
            "CREATE",
            r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?P<temp>TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?TARGET",
        ),
        ("DROP", r"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?TARGET"),
        ("ALTER", r"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?TARGET"),
        ("COPY", r"\bCOPY\s+TARGET\s+FROM\b"),
        ("TRUNCATE", r"\bTRUNCATE\s+(?:TABLE\s+)?TARGET"),
    )
]
_MIGRATED = re.compile(r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
_DROPPED = re.compile(r"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class Write:
    """One SQL statement in the code that changes a table."""

    module: str
    where: str  # path:line
    statement: str  # INSERT, UPDATE, DELETE, CREATE, ...
    table: str  # as written: a name, or {expression} when formatted in
    temporary: bool


@dataclass(frozen=True)
class Module:
    name: str
    writes: tuple[Write, ...]
    literals: frozenset[str]  # every whole string literal of the module
    registered: frozenset[str]  # names of frames passed to con.register


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _text(node: ast.JoinedStr) -> str:
    """An f-string with each formatted value shown as {its source}."""
    return "".join(
        part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}" for part in node.values
    )


def _line(lines: list[str], node: ast.expr, table: str) -> int:
    """The line of the string that names the table (its first line if none does by itself)."""
    for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        if table in lines[number - 1]:
            return number
    return node.lineno


def _scan(path: Path) -> Module:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
    name = _module_name(path)
    constants = {
        target.id: statement.value.value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    registered = set()
    writes = []
    literals = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                registered.add(first.value)
            elif isinstance(first, ast.Name) and first.id in constants:
                registered.add(constants[first.id])
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            literals.add(node.value)
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = _text(node)
        else:
            continue
        for statement, pattern in _WRITES:
            for match in pattern.finditer(text):
                table = match["table"]
                where = f"{path.relative_to(ROOT)}:{_line(lines, node, table)}"
                temporary = statement == "CREATE" and bool(match["temp"])
                writes.append(Write(name, where, statement, table, temporary))
    return Module(name, tuple(writes), frozenset(literals), frozenset(registered))


MODULES = [_scan(path) for path in SOURCES]


def _migrated_tables() -> set[str]:
    """Tables the migrations leave, applied in order (a later migration may drop what an earlier one made)."""
    tables: set[str] = set()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        sql = path.read_text("utf-8")
        tables = (tables - {n.lower() for n in _DROPPED.findall(sql)}) | {n.lower() for n in _MIGRATED.findall(sql)}
    return tables


def _created_in_code() -> set[str]:
    """Tables the code itself creates for good (schema_migrations, which the migrations cannot record themselves)."""
    return {w.table for m in MODULES for w in m.writes if w.statement == "CREATE" and not w.temporary}


TABLES = _migrated_tables() | _created_in_code()


def _targets(module: Module, write: Write) -> list[str] | None:
    """The warehouse tables a write may change: [] for scratch tables, None when the name cannot be resolved."""
    if write.table.startswith("{"):
        named = sorted(module.literals & TABLES)
        return named or None
    scratch = {w.table for w in module.writes if w.temporary} | module.registered
    if write.table.startswith("_") or write.table in scratch:
        return []
    return [write.table]


def test_every_write_is_made_by_the_tables_owner():
    problems = []
    for module in MODULES:
        for write in module.writes:
            targets = _targets(module, write)
            if targets is None:
                problems.append(
                    f"{write.where}: {write.statement} {write.table}, but {module.name} names no table in a "
                    "literal, so the test cannot tell which table it writes"
                )
                continue
            for table in targets:
                if table not in TABLES:
                    problems.append(f"{write.where}: {write.statement} {table}, a table no migration creates")
                elif not may_write(module.name, table, write.statement):
                    problems.append(
                        f"{write.where}: {write.statement} {table} in {module.name}, but its owner is "
                        f"{OWNERS.get(table, 'nobody')}: call a function of the owner instead "
                        "(or document an exception in core/db/owners.py)"
                    )
    assert not problems, "Writes outside the table's owner:\n" + "\n".join(problems)


def test_every_table_has_an_owner():
    assert not sorted(TABLES - OWNERS.keys()), "Tables without an owner in core/db/owners.py"


def test_the_owner_map_names_only_real_tables_and_modules():
    modules = {m.name for m in MODULES}
    assert not sorted(OWNERS.keys() - TABLES), "core/db/owners.py names tables that no migration creates"
    assert not sorted(set(OWNERS.values()) - modules), "core/db/owners.py names modules that do not exist"


def test_every_owner_writes_its_tables():
    """Guards the scan itself (and the map against stale entries): each owner's writes are found."""
    written = {
        (module.name, table) for module in MODULES for write in module.writes for table in _targets(module, write) or []
    }
    assert not sorted(t for t, owner in OWNERS.items() if (owner, t) not in written), "Owners found writing nothing"
