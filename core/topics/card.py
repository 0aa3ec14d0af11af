"""The model card: what the topic model was trained on, how well it did, and where it should not be trusted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
import sklearn

SOURCES: dict[str, dict[str, str]] = {
    "reddit": {
        "name": "Reddit Top 2.5 Million (Chris Dary / umbrae, 2013), labelled by subreddit",
        "licence": "compilation under ODC PDDL 1.0; post texts remain subject to Reddit's terms",
    },
    "huffpost": {
        "name": "News Category Dataset v3 (Rishabh Misra, arXiv:2209.11429), HuffPost headlines + descriptions",
        "licence": "CC BY 4.0",
    },
    "huffpost_headline": {
        "name": "News Category Dataset v2 headlines, balanced split of Bao et al. (ICLR 2020), lower-cased",
        "licence": "CC BY 4.0",
    },
    "correction": {
        "name": "Topic corrections made by marketers in Sway",
        "licence": "the operator's own data",
    },
}

LIMITS = [
    "Trained on Reddit posts (2006-2013) and HuffPost news labelled by subreddit/section, not on tweets: "
    "expect much lower scores on tweets than on held-out training text.",
    "Training labels are single-label; multi-label output comes from per-label thresholds tuned on 200 English "
    "X-Topic tweets (CC BY-NC, used for tuning/evaluation only, never shipped).",
    "English only: posts in other languages get no topic. Bag-of-words: no context, sarcasm or images; posts with "
    "too little text (a word or two besides @handles and common words) get no topic rather than a guess.",
    "Thresholds follow X-Topic's annotators, who gave half of all tweets Diaries & daily life: that topic is "
    "added to many posts. Topics with few evaluation tweets (Fashion & style 4, Arts & culture 5, "
    "Science & technology 5 of 200) have noisy scores and thresholds pulled toward the global one.",
    "A marketer's correction weighs as much as 10 shipped texts, split between the topics it adds; a post only "
    "stripped of topics is taught as its most likely remaining topic. Corrected posts keep the marketer's word at "
    "every topic refresh, whatever the model says.",
]


def build_card(
    rows: pl.DataFrame, thresholds: dict[str, float], evaluation: dict[str, Any], seconds: float
) -> dict[str, Any]:
    """The card of a freshly fitted model, from its training rows and the recipe's last evaluation."""
    counts = rows.group_by("source", "topic").len().sort("source", "topic")
    per_source = {
        source: {
            **SOURCES.get(source, {"name": source, "licence": "unknown"}),
            "rows": int(group["len"].sum()),
            "per_label": dict(zip(group["topic"].to_list(), group["len"].to_list(), strict=True)),
        }
        for (source,), group in counts.group_by("source", maintain_order=True)
    }
    return {
        "model": "Sway topic classifier (TweetTopic's 19 labels)",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scikit_learn": sklearn.__version__,
        "recipe": "tokenize (keeps #hashtags, @mentions, emoji) -> hashed words (2^18) plus hashed character "
        "2-4-grams of each word (2^19) -> sublinear TF-IDF -> LinearSVC C=0.05 one-vs-rest, temperature-scaled "
        "probabilities (2-fold); topics = top-1 plus every label with p >= its threshold",
        "training_seconds": round(seconds, 1),
        "training_rows": rows.height,
        "corrections_used": rows.filter(pl.col("source") == "correction")["text"].n_unique(),
        "sources": per_source,
        "thresholds": {label: round(value, 4) for label, value in thresholds.items()},
        "evaluation": evaluation.get("metrics", {}),
        "evaluated_at": evaluation.get("evaluated_at"),
        "evaluation_note": "Measured by `python -m bench.topics_eval` for this recipe trained on the shipped sample "
        "(without corrections); re-run it to refresh.",
        "limits": LIMITS,
    }


def card_markdown(card: dict[str, Any], *, level: int = 1) -> str:
    """A short human-readable rendering of the card, saved beside the model; its headings start at `level` (the
    Topics page shows it under headings of its own). Names with underscores are code, so they do not italicise."""
    title, section = "#" * level, "#" * (level + 1)
    lines = [
        f"{title} {card['model']}",
        "",
        f"Trained {card['trained_at']} with scikit-learn {card['scikit_learn']} on {card['training_rows']:,} "
        f"rows in {card['training_seconds']} s; marketer corrections used: {card['corrections_used']:,}.",
        "",
        f"Recipe: {card['recipe']}.",
        "",
        f"{section} Training data",
    ]
    for source in card["sources"].values():
        lines.append(f"- {source['name']} ({source['licence']}): {source['rows']:,} rows")
    lines += ["", f"{section} Last evaluation", ""]
    metrics = card["evaluation"]
    if metrics:
        lines.append(f"Evaluated {card['evaluated_at']}. {card['evaluation_note']}")
        lines.append("")
        for name, value in metrics.items():
            shown = ", ".join(f"`{k}` {v}" for k, v in value.items()) if isinstance(value, dict) else value
            lines.append(f"- `{name}`: {shown}")
    else:
        lines.append("Not evaluated yet: run `python -m bench.topics_eval --save` on a machine with ../shared/data.")
    lines += ["", f"{section} Limits", *[f"- {limit}" for limit in card["limits"]], ""]
    return "\n".join(lines)
