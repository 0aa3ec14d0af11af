"""Topics page: the topic classifier's card and metrics, which topics the warehouse's posts carry, the posts this
workspace corrected, retraining with those corrections, and a box to see how the model reads any text."""

from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

from core.ingest.errors import InputError
from core.numbers import UNKNOWN, count_of
from core.ops.lock import Busy
from core.ops.retrain import retrain
from core.topics import guide, model_file, overview
from core.topics.card import card_markdown
from core.topics.corrections import CorrectionError, correct_post, post_for_correction, workspace_corrections
from core.topics.influence import TopicParams, TopicRefreshError
from core.topics.model import LABELS, TopicModel, shipped_evaluation
from core.vocabulary import topic_label
from core.workspace.access import PermissionDenied
from ui import auth, backend, jobs, params, shell
from ui.text import plain

shell.ensure_app_shell()


@st.cache_resource(show_spinner=False, max_entries=2)
def _model(path: str, version: int) -> TopicModel:
    """The saved topic model, reloaded when the file changes (`version`); trained on first use if absent."""
    return model_file.load_or_train(Path(path))


@st.cache_data(show_spinner=False)
def _distribution(key: tuple) -> pl.DataFrame:
    """Posts and people per topic, cached per data version."""
    return overview.label_distribution(backend.cursor())


@st.cache_data(show_spinner=False)
def _guide(key: tuple) -> pl.DataFrame:
    """What each topic covers and how clear its tags are, cached per data version."""
    return guide.topic_guide(backend.cursor())


@st.cache_data(show_spinner=False)
def _coverage(key: tuple) -> overview.LanguageCoverage:
    """Languages the model covers and posts per language, cached per data version."""
    return overview.language_coverage(backend.cursor())


@st.cache_data(show_spinner=False)
def _state(key: tuple) -> overview.TaggingState:
    """When posts were last tagged, cached per data version."""
    return overview.tagging_state(backend.cursor())


st.title("Topics")
st.caption(
    "Every post gets topics from a classifier trained on real labelled posts. A person is shown as influential in "
    "a topic only when several of their posts on it drew reactions from several people — never from one post."
)
for message in st.session_state.pop("topics_messages", []):
    st.success(message, icon=":material/check_circle:")
if (pending := backend.topics_pending()) is not None:
    st.info(
        f"Sway is finding the topics of the demo posts for the first time ({pending.fraction:.0%} done: "
        f"{pending.message.lower()}). This page fills in when they are ready; the sidebar shows the progress.",
        icon=":material/hourglass_top:",
    )
    st.stop()

try:
    with st.spinner("Loading the topic model (trained on first use, about half a minute)…"):
        model = _model(*model_file.model_version())
except InputError as problem:
    st.error(f"The topic model cannot be used.\n\n{problem}", icon=":material/error:")
    st.stop()
card = model.card
evaluation = shipped_evaluation()
cursor = backend.cursor()
access = auth.access()
key = backend.data_key()

st.subheader("What each topic covers, and how far to trust it")
if sentence := guide.overall_reliability(evaluation):
    st.markdown(sentence)
topics_guide = _guide(key)
if topics_guide["posts"].sum():
    st.dataframe(
        topics_guide.drop("topic"),
        hide_index=True,
        height="content",  # every topic at once, no inner scrolling
        column_config={
            "label": st.column_config.TextColumn("Topic"),
            "covers": st.column_config.TextColumn("Covers", width="large"),
            "people": st.column_config.NumberColumn("People with influence in it", format="localized"),
            "posts": st.column_config.NumberColumn(
                "Posts, as their top topic",
                format="localized",
                help="Posts whose most likely topic this is; the chart below also counts it as an extra topic",
            ),
            "sure": st.column_config.ProgressColumn(
                "Posts the model is sure of",
                min_value=0,
                max_value=100,
                format="%d%%",
                help=f"Share of the topic's posts tagged with at least {guide.SURE:.0%} probability",
            ),
            "clarity": st.column_config.TextColumn(
                "How sure the model is",
                width="medium",
                help="How sure, not how right: how often it is right is the sentence above the table",
            ),
        },
        placeholder=UNKNOWN,
    )
else:
    st.info("Posts have not been tagged with topics yet: refresh the scores on the Data page (topics follow).")

with st.expander("How the model was measured: F1 scores and the model card"):
    trained, rows, corrected, quality = st.columns(4)
    trained.metric("Trained", str(card.get("trained_at", "unknown"))[:10], border=True)
    rows.metric("Training texts", f"{card['training_rows']:,}" if "training_rows" in card else "unknown", border=True)
    corrected.metric(
        "Corrections used",
        f"{card.get('corrections_used', 0):,}",
        border=True,
        help="Distinct post texts corrected by marketers",
    )
    cv = evaluation.get("metrics", {}).get("xtopic_nested")
    quality.metric(
        "Macro-F1 on real tweets",
        f"{cv['macro_f1']:.2f}" if cv else "–",
        border=True,
        help="Average over the 19 topics of how well the model finds each topic in 200 real labelled tweets it never "
        "trained on (1 = perfect; nested cross-validation). The simple baseline scores lower; see the table.",
    )
    metrics = overview.metrics_table(evaluation)
    if metrics.height:
        st.dataframe(
            metrics,
            hide_index=True,
            column_config={
                "measured_on": st.column_config.TextColumn("Measured on", width="large"),
                "micro_f1": st.column_config.NumberColumn("Micro-F1", format="%.3f", help="Over all tagged topics"),
                "macro_f1": st.column_config.NumberColumn("Macro-F1", format="%.3f", help="Average over the 19 topics"),
            },
            placeholder=UNKNOWN,
        )
        comparison = overview.baseline_comparison(evaluation) or ""
        st.caption(f"From the last evaluation, {overview.evaluated_on(evaluation)}. {comparison}")
    else:
        st.info("The model has not been evaluated yet: run `python -m bench.topics_eval --save`.")
    st.markdown("**Model card: training data, decision rule and limits**")
    st.markdown(card_markdown(card, level=4) if card else "This model file has no card; retrain it to get one.")

st.subheader("Topics in the warehouse")
state = _state(key)
if state.tagged_posts:
    st.caption(plain(overview.tagging_sentence(state)))
    # Ranked by the posts whose top topic it is: extra tags at a low threshold would put a catch-all topic first.
    counts = (
        _distribution(key)
        .with_columns(rank_by=pl.col("top_posts"))
        .unpivot(
            index=["label", "people", "rank_by"],
            on=["top_posts", "extra_posts"],
            variable_name="as",
            value_name="posts",
        )
    )
    counts = counts.with_columns(
        stack=pl.col("as").replace_strict({"top_posts": 0, "extra_posts": 1}),
        **{"as": pl.col("as").replace({"top_posts": "Top topic", "extra_posts": "Extra topic"})},
    )
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("posts:Q", title="Posts", stack=True),
            y=alt.Y(
                "label:N",
                title=None,
                sort=alt.EncodingSortField("rank_by", op="max", order="descending"),
                axis=alt.Axis(labelLimit=220),
            ),
            color=alt.Color("as:N", title="Tagged as", sort=["Top topic", "Extra topic"]),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Topic"),
                alt.Tooltip("as:N", title="Tagged as"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
                alt.Tooltip("people:Q", title="People with influence in it", format=","),
            ],
        )
        .properties(height=alt.Step(22))
    )
    st.altair_chart(chart, width="stretch", key="label_distribution")
    st.caption(overview.extra_topics_sentence(model.thresholds, TopicParams().min_probability))
else:
    st.info("Posts have not been tagged with topics yet: refresh the scores on the Data page (topics follow).")

st.subheader("Languages")
coverage = _coverage(key)
st.markdown(
    f"**Languages covered:** {', '.join(coverage.covered)}. The model was trained on posts in "
    f"{' and '.join(coverage.covered)} only, so a post in another language (from the language its network "
    "gives, or else recognised from its words and writing) is marked **language not covered** and gets no "
    "topics, rather than a guess."
)
if coverage.not_covered:
    st.caption(f"{coverage.not_covered:,} posts in the warehouse are in languages the model does not cover.")
    st.dataframe(
        coverage.posts,
        hide_index=True,
        column_config={
            "language": "Language",
            "covered": st.column_config.CheckboxColumn("Covered", help="Tagged with topics"),
            "posts": st.column_config.NumberColumn("Posts", format="localized"),
        },
        placeholder=UNKNOWN,
    )

st.subheader("See how the model reads a post")
with st.form("read_text"):
    text = st.text_area("Post text", placeholder="Leg day done, new deadlift PR #fitness @gymbrand", max_chars=5000)
    asked = st.form_submit_button("Show topics", icon=":material/label:")
if asked:
    try:
        reading = overview.topics_of_text(model, text)
    except ValueError as problem:
        st.warning(str(problem))
    else:
        tagged = reading.topics.filter(pl.col("tagged"))["label"].to_list()
        if reading.withheld:
            st.info(reading.withheld, icon=":material/block:")
        else:
            st.markdown(f"**Tagged:** {', '.join(tagged)}")
        shown = reading.topics.with_columns(pl.col("tagged").replace_strict({True: "Tagged", False: "Not tagged"}))
        order = alt.Y("label:N", title=None, sort=shown["label"].to_list(), axis=alt.Axis(labelLimit=220))
        bars = (
            alt.Chart(shown)
            .mark_bar()
            .encode(
                x=alt.X("probability:Q", title="Probability", axis=alt.Axis(format="%")),
                y=order,
                color=alt.Color("tagged:N", title=None, scale=alt.Scale(domain=["Tagged", "Not tagged"])),
                tooltip=[
                    alt.Tooltip("label:N", title="Topic"),
                    alt.Tooltip("probability:Q", format=".1%"),
                    alt.Tooltip("threshold:Q", title="Tagged from", format=".1%"),
                ],
            )
        )
        # Each topic's own threshold, so "7% tagged, 9% not" reads at a glance.
        marks = alt.Chart(shown).mark_tick(color="black", thickness=2).encode(x="threshold:Q", y=order)
        st.altair_chart((bars + marks).properties(height=alt.Step(22)), width="stretch", key="text_reading")
        st.caption(
            "A post is tagged with its most likely topic plus every topic whose bar reaches that topic's threshold "
            "(the black mark)."
        )

st.subheader("Correct a post's topics")
operator = auth.operator(access)
st.caption(
    "Open a post from a profile's recent posts (*Correct topics*), or type its number. "
    + (
        "Your choice counts for that post in every workspace from the next refresh on, and the next retraining "
        "learns from it."
        if operator
        else "Post topics are shared by every workspace, so your choice does not change them by itself: it is kept "
        "in your workspace's list below, and the next retraining (run by the instance operator) learns from it."
    )
)
asked = params.id_param("post")
if asked is None and st.query_params.get("post"):
    st.info("No such post — type the number of the post to correct below.")
# No minimum: the browser would refuse -5 silently and leave the last number's warning on screen.
post_id = st.number_input("Post number", max_value=params.ID_MAX, step=1, value=asked)
post = post_for_correction(cursor, int(post_id)) if post_id is not None and post_id > 0 else None
if post_id is not None and post is None:
    st.warning(f"There is no post number {int(post_id)} in the warehouse. Check the number and try again.")
elif post is not None:
    text, current = post
    st.markdown(f"> {plain(text)}" if text else "_This post has no text._")
    chosen = st.multiselect(
        "This post is about",
        list(LABELS),
        default=current,
        format_func=topic_label,
        key=f"correct_{int(post_id)}",
        disabled=not access.allows("editor"),
        help="Now: " + (", ".join(topic_label(t) for t in current) or "no topic"),
    )
    if st.button("Save topics of this post", disabled=not access.allows("editor") or chosen == current):
        try:
            saved = correct_post(
                cursor,
                access,
                int(post_id),
                add=[t for t in chosen if t not in current],
                remove=[t for t in current if t not in chosen],
            )
        except (CorrectionError, PermissionDenied) as problem:
            st.error(f"Nothing was saved.\n\n{plain(problem)}", icon=":material/error:")
        else:
            backend.data_changed()
            st.session_state["topics_messages"] = [
                f"Saved {count_of(saved, 'correction')} for post {int(post_id)}; "
                + (
                    f"{'it counts' if saved == 1 else 'they count'} from the next refresh."
                    if operator
                    else "the next retraining learns from it."
                )
            ]
            st.rerun()

st.subheader("Posts your workspace corrected")
corrections = workspace_corrections(cursor, access)
if corrections.height:
    st.dataframe(
        overview.readable_corrections(model, corrections),
        hide_index=True,
        column_config={
            "corrected_at": st.column_config.DatetimeColumn("Corrected", format="D MMM YYYY, HH:mm"),
            "text": st.column_config.TextColumn("Post", width="large"),
            "topic": "Topic",
            "action": st.column_config.TextColumn("Correction", help="What the marketer said of the post"),
            "corrected_by": "By",
            "model_agrees": st.column_config.CheckboxColumn(
                "Model agrees", help="The model in use tags the post as you said, without the correction"
            ),
        },
        placeholder=UNKNOWN,
    )
    st.caption(
        "An instance operator's correction changes the post's topics for every workspace at the next topic "
        "refresh; every correction teaches the model to read similar posts the same way at the next retraining."
    )
else:
    st.info("No corrections yet. On a person's profile, “Mark topic as wrong” sends their evidence posts here.")

st.subheader("Retrain the model")
st.markdown(
    f"Retraining learns from the shipped labelled posts plus **every correction made in this warehouse** "
    f"({corrections['post_id'].n_unique():,} posts from your workspace), then re-tags all posts and recomputes "
    "who is influential in which topic. It takes under a minute for the demo world, a few minutes for a million "
    "people. The current model stays in use until the new one is ready."
)
if not operator:
    st.info(
        "The model and the topics are shared by every workspace, so only an instance operator can retrain: ask "
        "whoever runs this Sway server. Your corrections are used the next time they do.",
        icon=":material/lock:",
    )
jobs.panel("retrain", access, failure="The model was not retrained; the topics in the warehouse are unchanged.")
busy = jobs.busy()
if operator and st.button(
    "Retrain and re-tag posts",
    type="primary",
    icon=":material/model_training:",
    disabled=bool(busy),
    help=busy,
):
    shared = backend.shared_warehouse()
    jobs.start(
        "retrain",
        access,
        lambda progress: [retrain(shared.cursor(), access, db=shared.path, progress=progress).summary()],
        (TopicRefreshError, InputError, Busy, PermissionDenied),
    )
