"""`python -m core topics train|predict`: retrain the topic model, or tag posts in a JSON Lines file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core import progress
from core.db import warehouse
from core.ingest.errors import InputError
from core.ops.lock import exclusive
from core.ops.retrain import retrain
from core.topics.model import LABELS
from core.topics.model_file import load_or_train, model_path, save
from core.topics.retrain import current_model, train_with_corrections
from core.workspace.access import LOCAL

_LINE_FORMAT = 'Write one JSON object per line, like {"id": 1, "text": "Leg day done #fitness"}'


def read_posts(path: Path) -> tuple[list[Any], list[str]]:
    """Ids and texts of a JSON Lines file; the first bad line raises InputError naming line and field."""
    if not path.is_file():
        raise InputError(str(path), "file not found", "Check the path of the --input file")
    ids: list[Any] = []
    texts: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "the file is not UTF-8 text", "Save it as UTF-8 JSON Lines") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            post = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"not valid JSON ({exc.msg})", _LINE_FORMAT, line=number) from exc
        if not isinstance(post, dict):
            raise InputError(str(path), "expected a JSON object", _LINE_FORMAT, line=number)
        post_id = post.get("id")
        if post_id is None:
            raise InputError(str(path), "missing id", "Give every post an id", line=number, field="id")
        if isinstance(post_id, bool) or not isinstance(post_id, str | int):
            raise InputError(
                str(path), "id must be a string or an integer", "Use the post's id", line=number, field="id"
            )
        text = post.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(
                str(path),
                "empty or missing text",
                "Give every post its text, or leave the line out",
                line=number,
                field="text",
            )
        ids.append(post_id)
        texts.append(text)
    if not texts:
        raise InputError(str(path), "no posts in the file", _LINE_FORMAT)
    return ids, texts


def _cmd_train(args: argparse.Namespace) -> int:
    """Retrain through core.ops.retrain, as the Topics page does, so the command line is checked, locked and audited."""
    path = Path(args.model) if args.model else model_path()
    db = warehouse.warehouse_path()
    if not db.exists():
        # No warehouse yet: no corrections to learn from and no posts to re-tag, only the shipped sample. The lock
        # still keeps it from overlapping a first start building the warehouse (and its model).
        with exclusive(db, "topic retrain", LOCAL.user):
            model = train_with_corrections(None, current=current_model(path), progress=progress.to_stderr)
            save(model, path)
        print(f"Trained the topic model on {model.card['training_rows']:,} texts -> {path}")
        return 0
    # The model is shared by every workspace: the same operation as the Topics page (operator, lock, audit).
    con = warehouse.connect(db)
    try:
        report = retrain(con, LOCAL, db=db, path=path, progress=progress.to_stderr)
    finally:
        con.close()
    print(f"{report.summary()}\nSaved the model -> {report.path}")
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    ids, texts = read_posts(Path(args.input))
    output = Path(args.output)
    if not output.parent.is_dir():
        raise InputError(str(output), "its folder does not exist", "Create the folder or choose another --output")
    model = load_or_train(Path(args.model) if args.model else None, progress=progress.to_stderr)
    proba = model.predict_proba(texts)
    topics = model.topics_from_proba(proba)
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for post_id, labels, row in zip(ids, topics, proba.round(4).tolist(), strict=True):
            record = {"id": post_id, "topics": labels, "probabilities": dict(zip(LABELS, row, strict=True))}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(output)
    print(f"Tagged {len(ids):,} posts -> {output}")
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Register `topics train` and `topics predict` on the main parser's subcommands."""
    topics = sub.add_parser("topics", help="train the topic classifier, or predict the topics of posts")
    actions = topics.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    model_help = "model file (default $SWAY_MODEL or data/topic_model.skops)"

    train = actions.add_parser(
        "train",
        help="retrain from the shipped labelled sample and the warehouse's topic corrections, save, and re-tag the "
        "warehouse's posts with it (as Retrain on the Topics page; stop the app first)",
    )
    train.add_argument("--model", metavar="PATH", help=model_help)
    train.set_defaults(run=_cmd_train)

    predict = actions.add_parser("predict", help='tag a JSON Lines file of {"id", "text"} posts with topics')
    predict.add_argument("--input", required=True, metavar="FILE.jsonl", help="one {id, text} object per line")
    predict.add_argument("--output", required=True, metavar="FILE.jsonl", help="where to write {id, topics, ...}")
    predict.add_argument("--model", metavar="PATH", help=model_help)
    predict.set_defaults(run=_cmd_predict)
