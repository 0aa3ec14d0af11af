"""What an import did, per file and per table, in a form the CLI and the Data page can show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileReport:
    """One imported file: its name as the user knows it, the format detected and the records read."""

    name: str
    format: str
    rows: int


@dataclass(frozen=True)
class ImportReport:
    """Rows added per table (people, accounts, posts, interactions) and duplicates skipped per table.

    A duplicate is a row already in the warehouse or given earlier in the same import; stored rows are
    never changed. Self-loops are interactions of an account with itself, which Sway drops. Control and
    text-direction characters are removed from the text (see invisible.py) and counted here.
    """

    files: tuple[FileReport, ...]
    added: dict[str, int]
    skipped: dict[str, int]
    self_loops: int = 0
    controls_removed: int = 0
    direction_removed: int = 0

    def summary(self) -> str:
        """One human line, e.g. 'Imported 3 files: 1,204 accounts, 5,000 posts, 12 interactions added; …'."""
        added = ", ".join(_count(self.added.get(t + "s", 0), t) for t in ("account", "post", "interaction"))
        text = f"Imported {_count(len(self.files), 'file')}: {added} added"
        text += f"; {_count(sum(self.skipped.values()), 'duplicate')} skipped"
        if self.self_loops:
            text += f"; {_count(self.self_loops, 'self-interaction')} skipped"
        if self.controls_removed:
            text += f"; {_count(self.controls_removed, 'control character')} removed"
        if self.direction_removed:
            text += f"; {_count(self.direction_removed, 'text-direction character')} removed from names"
        return text + "."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
