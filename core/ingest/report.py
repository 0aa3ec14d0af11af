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
    erased_left_out: int = 0  # accounts, posts and reactions of people erased on request: they stay erased

    def summary(self) -> str:
        """What the import changed, in the app's words ('reactions' for interactions), e.g. 'Imported 3 files:
        2 new people, 3 accounts, 2 posts and 2 reactions added; 0 duplicates skipped. …'."""
        added = [_count(self.added.get("people", 0), "new person", "new people")]
        added += [_count(self.added.get(t + "s", 0), t) for t in ("account", "post")]
        added.append(_count(self.added.get("interactions", 0), "reaction"))
        text = f"Imported {_count(len(self.files), 'file')}: {', '.join(added[:-1])} and {added[-1]} added"
        text += f"; {_count(sum(self.skipped.values()), 'duplicate')} skipped (already in Sway)"
        if self.self_loops:
            text += f"; {_count(self.self_loops, 'reaction')} of an account to itself skipped"
        if self.controls_removed:
            text += f"; {_count(self.controls_removed, 'invisible control character')} removed from text"
        if self.direction_removed:
            text += f"; {_count(self.direction_removed, 'text-direction character')} removed from names"
        if self.erased_left_out:
            text += f"; {_count(self.erased_left_out, 'row')} of people erased on request left out (they stay erased)"
        text += "."
        if any(self.added.get(t, 0) for t in ("accounts", "posts", "interactions")):
            text += " Scores, topics and Discover include them after the next refresh."
        return text


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
