"""Campaigns page: create a perk campaign (dated where the data can measure it), get a suggested list that fills
the budget, check what the list can show before perks go out (expected range, smallest detectable lift, unique
reach), add people from Discover, give members their own cost, move them through invited → accepted → perk
shipped → posted or didn't post (a step back undoes a mis-click), export the list, delete (with undo).

Each action is one core call (core.ops.campaigns for the multi-step ones); the page only renders. Opened as
/campaigns?campaign=ID, or /campaigns?campaign=new&people=1,2,3 for a new campaign with those people (and &topic=,
&net=, &min_score=, &min_audience=, &left= for the targeting of the search they were found with,
core/campaigns/handover.py)."""

from datetime import date, timedelta

import polars as pl
import streamlit as st

from core import discover
from core.campaigns import dates, export, handover, members, records, suggest
from core.campaigns.model import (
    STATUSES,
    CampaignError,
    CampaignNotFound,
    CampaignSpec,
    offered_statuses,
    stage,
)
from core.campaigns.money import CURRENCIES, money
from core.campaigns.terms import parse_terms, terms_text
from core.discover.columns import NETWORK_LABELS
from core.numbers import UNKNOWN, count_of
from core.ops import campaigns as campaign_ops
from core.results.plan import Plan, plan
from core.vocabulary import NETWORKS, topic_label, topic_labels
from core.workspace import membership
from core.workspace.access import PermissionDenied
from ui import auth, backend, exports, params, selection, shell
from ui.text import plain, plain_cells

shell.ensure_app_shell()

GOTO = "campaign_goto"  # the campaign to show after this rerun (the selectbox's own key is set before it is drawn)
NEW = "new"


@st.cache_data(show_spinner=False, max_entries=64)
def _explanation(key: tuple, workspace_id: int, campaign_id: int, version: int) -> str:
    """How expected mentions are estimated for this campaign, cached per data and campaign version."""
    return suggest.explain(backend.cursor(), auth.access(), campaign_id)


@st.cache_data(show_spinner="Checking what this list can show…", max_entries=64)
def _plan(key: tuple, workspace_id: int, campaign_id: int, version: int) -> Plan:
    """Expected range, power, reach and date check of the list, cached per data and campaign version."""
    return plan(backend.cursor(), auth.access(), campaign_id)


def _seen_key(campaign_id: int) -> str:
    return f"campaign_seen_version_{campaign_id}"


def _spec_form(
    prefix: str,
    start: CampaignSpec | None,
    topics: list[str],
    defaults: dates.Dates | None = None,
    targeting: handover.Targeting = handover.ANYONE,
) -> CampaignSpec | None:
    """The settings widgets (inside a form); returns the settings on submit, or None after showing what is wrong.
    A new campaign (no `start`) begins with `defaults`, dates the data can measure, and `targeting`, Discover's."""
    aim = start or targeting
    today = date.today()
    name = st.text_input("Campaign name", start.name if start else "", key=f"{prefix}name")
    left, right = st.columns(2)
    brand = left.text_input("Brand", start.brand if start else "", key=f"{prefix}brand")
    perk = right.text_input(
        "Perk", start.perk if start else "", placeholder="e.g. free product box", key=f"{prefix}perk"
    )
    cost_col, budget_col, perks_col = st.columns(3)
    # No bounds on the numbers: a value out of a widget's bounds blocks the form's submit without a word, while
    # the campaign's own check (CampaignSpec.problems) names each and says what to do.
    cost = cost_col.number_input(
        f"Cost per perk ({currency})",
        value=start.cost_per_perk if start else 50.0,
        step=5.0,
        key=f"{prefix}cost",
    )
    budget = budget_col.number_input(
        f"Budget in {currency} (or leave 0)",
        value=float(start.budget or 0) if start else 1000.0,
        step=100.0,
        key=f"{prefix}budget",
    )
    perks = perks_col.number_input(
        "Number of perks (or leave 0)",
        value=int(start.perks or 0) if start else 0,
        step=1,
        key=f"{prefix}perks",
    )
    terms_input = st.text_area(
        "Tracking terms",
        terms_text(start.terms) if start else "",
        placeholder="#brand, @brand, brand.com, Brand Name",
        help="Hashtags (#), handles (@), web sites or domains, and brand keywords, separated by commas. "
        "#brand does not count #brandnew, and @brand does not count @brandx.",
        key=f"{prefix}terms",
    )
    chosen_topics = st.multiselect(
        "Target topics",
        topics,
        default=[t for t in (start.target_topics if start else targeting.topics) if t in topics],
        format_func=topic_label,
        key=f"{prefix}topics",
    )
    left, middle, right = st.columns(3)
    min_score = left.slider("Minimum combined score", 1, 100, aim.min_score, key=f"{prefix}min_score")
    min_audience = middle.number_input(
        "Minimum audience (followers, or leave 0)",
        value=aim.min_audience,
        step=1000,
        help="People followed by fewer are not suggested: a perk buys a post, worth what its audience is. With "
        "networks chosen, one account there must have this many followers.",
        key=f"{prefix}min_audience",
    )
    networks = right.multiselect(
        "Networks (empty = any)",
        list(NETWORKS),
        default=list(aim.networks),
        format_func=NETWORK_LABELS.get,
        key=f"{prefix}networks",
    )
    left, right, follow = st.columns(3)
    first = start or defaults
    starts_on = left.date_input("Starts on", first.starts_on if first else today, key=f"{prefix}starts")
    ends_on = right.date_input("Ends on", first.ends_on if first else today + timedelta(days=13), key=f"{prefix}ends")
    follow_up = follow.number_input(
        "Follow-up days", value=first.follow_up_days if first else 14, step=1, key=f"{prefix}follow"
    )
    left, right = st.columns(2)
    lift = left.number_input(
        "Expected lift (1 = twice as many mentions)",
        value=start.expected_lift if start else 1.0,
        step=0.1,
        key=f"{prefix}lift",
    )
    flagged = right.toggle(
        "Include flagged accounts", start.include_flagged if start else False, key=f"{prefix}flagged"
    )
    if not st.form_submit_button("Save campaign" if start else "Create campaign", type="primary"):
        return None
    try:
        terms = parse_terms(terms_input)
    except ValueError as exc:
        st.error(str(exc))
        return None
    spec = CampaignSpec(
        name=name,
        brand=brand,
        perk=perk,
        cost_per_perk=cost,
        budget=budget or None,
        perks=perks or None,
        starts_on=starts_on,
        ends_on=ends_on,
        terms=terms,
        target_topics=tuple(chosen_topics),
        min_score=min_score,
        min_audience=int(min_audience),
        networks=tuple(networks),
        include_flagged=flagged,
        follow_up_days=int(follow_up),
        expected_lift=lift,
    )
    for problem in spec.problems():
        st.error(problem)
    return None if spec.problems() else spec


def _planning(checked: Plan, workspace_id: int, picked: int, version: int, can_edit: bool) -> None:
    """What to know before sending perks, how the list was chosen, and refilling it (campaigns not finished)."""
    for warning in checked.warnings:
        st.warning(warning, icon=":material/event_busy:")
    with st.container(border=True):
        st.markdown("**Before you send perks: can this list show a result?**")
        power_box = st.success if checked.power.enough else st.warning
        power_box(checked.power.verdict(), icon=":material/query_stats:")
        st.markdown(f"**Unique reach.** {plain(checked.reach.verdict())}")
        if checked.reach.pairs.height:
            st.markdown(
                "Members whose reactors overlap most:\n"
                + "\n".join(
                    f"- {plain(a)} and {plain(b)}: {shared:,} {'person' if shared == 1 else 'people'} in both, "
                    f"{share:.0%} of the smaller set of people who reacted"
                    for a, b, shared, share in checked.reach.pairs.iter_rows()
                )
            )
    with st.expander("How expected mentions are estimated"):
        st.markdown(plain(_explanation(backend.data_key(), workspace_id, picked, version)))
        st.caption(
            "People are ranked by expected mentions per unit of perk cost and the list is cut where the budget "
            "(or the number of perks) ends. Flagged accounts are left out unless the settings include them."
        )
    if can_edit and st.button(
        "Refresh suggested list",
        icon=":material/auto_awesome:",
        help="Refill up to the budget; locked, added and contacted people stay.",
    ):
        _act(picked, lambda v: _refill(picked, v))


# Set while a new campaign is being created: the people it starts with and the targeting they were found with.
_DRAFT = "campaign_draft"


def _pending(text: str | None) -> list[int]:
    """The person ids of ?people=1,2,3 (what Discover hands over for a new campaign); junk is left out."""
    return [p for p in map(params.id_from, (text or "").split(",")) if p is not None]


def _flash(report: suggest.SuggestReport, chosen: int | None = None) -> None:
    """What the suggested list now holds; `chosen`: the people a new campaign was created with (None: a refresh)."""
    listed = report.refreshed() if chosen is None else report.created(chosen)
    # The method stays in "How expected mentions are estimated" below the list: a confirmation is one line.
    st.session_state["campaign_flash"] = f"{listed}; {report.expected()}."


def _refill(campaign_id: int, version: int) -> int:
    """Refresh the suggested list with a progress bar; returns the new version."""
    bar = st.progress(0.0, text="Building the suggested list…")
    report = campaign_ops.refresh_suggestions(
        cursor, access, campaign_id, version, progress=lambda f, m: bar.progress(min(f, 1.0), text=m)
    )
    bar.empty()
    _flash(report)
    return report.version


def _act(campaign_id: int, action, done: str | None = None) -> None:
    """Run a change with the version this user saw; on success remember the new one (and confirm it with `done`),
    else say what to do."""
    try:
        st.session_state[_seen_key(campaign_id)] = action(st.session_state[_seen_key(campaign_id)])
        if done:
            st.session_state["campaign_flash"] = done
    except CampaignError as exc:  # StaleCampaign included: its message says to reload
        st.session_state["campaign_error"] = str(exc)
    backend.data_changed()
    st.rerun()


st.title("Campaigns")
access = auth.access()
cursor = backend.cursor()
can_edit = access.allows("editor")
backend.discover_build()
topics = discover.facets(cursor).topics

currency = membership.currency(cursor, access)

for key, show in (("campaign_flash", st.success), ("campaign_warning", st.warning), ("campaign_error", st.error)):
    if message := st.session_state.pop(key, None):
        show(plain(message))

listing = records.list_campaigns(cursor, access)
names = dict(zip(listing["campaign_id"], listing["name"], strict=True))
options = [*names, NEW] if can_edit else list(names)
asked = st.query_params.get("campaign")
asked_id = params.id_param("campaign")
goto = st.session_state.pop(GOTO, None)
# Streamlit forgets a widget's value while another page is shown: no pick means the user just came here,
# so the link they came by (?campaign=...) chooses what is shown.
arrived = "campaign_pick" not in st.session_state
if goto in options:
    st.session_state["campaign_pick"] = goto
elif arrived and asked == NEW and can_edit:
    st.session_state["campaign_pick"] = NEW
elif arrived and not asked and _DRAFT in st.session_state and can_edit:
    st.session_state["campaign_pick"] = NEW  # back from another page while creating one: the form again
elif arrived and asked_id in names:
    st.session_state["campaign_pick"] = asked_id
elif arrived and asked and asked != NEW:
    st.info("No such campaign — pick one from the list.")
if not options:
    st.info("There are no campaigns in this workspace yet, and your role cannot create one.")
    st.stop()
pick_col, new_col = st.columns([4, 1], vertical_alignment="bottom")
if can_edit and new_col.button("New campaign", icon=":material/add:", type="primary", width="stretch"):
    st.session_state[GOTO] = NEW
    st.rerun()
picked = pick_col.selectbox(
    "Campaign", options, format_func=lambda c: "+ New campaign" if c == NEW else names[c], key="campaign_pick"
)

if picked == NEW:
    # The people handed over from Discover are kept for the session: the link's ?people= is gone once the user
    # visits another page, and coming back must not lose whom they chose.
    if "people" in st.query_params or _DRAFT not in st.session_state:
        handed = {k: st.query_params.get_all(k) for k in st.query_params}
        st.session_state[_DRAFT] = (_pending(st.query_params.get("people")), handover.from_params(handed, topics))
    pending, targeting = st.session_state[_DRAFT]
    st.query_params["campaign"] = NEW
    st.subheader("New campaign")
    chosen_text = (
        f"{count_of(len(pending), 'person', 'people')} you selected in Discover will be put on the list; Sway then "
        "suggests more people to fill the campaign's perks (the budget, or the number of perks)."
        if pending
        else ""
    )
    if handed_over := " ".join(t for t in (chosen_text, targeting.describe()) if t):
        st.info(handed_over)
    defaults = dates.default_dates(cursor, date.today())
    if defaults.note:
        st.info(defaults.note, icon=":material/event:")
    st.caption("The fields below are kept while this page is open: create the campaign before going to another page.")
    with st.form("campaign_new"):
        spec = _spec_form("new_", None, topics, defaults, targeting)
    if spec is not None:
        bar = st.progress(0.0, text="Creating the campaign…")
        try:
            created = campaign_ops.create_campaign(
                cursor, access, spec, pending, progress=lambda f, m: bar.progress(min(f, 1.0), text=m)
            )
        except CampaignError as exc:
            bar.empty()
            st.error(f"{plain(exc)} Nothing was created.")
            st.stop()
        _flash(created.suggestions, len(pending))
        if created.warnings:
            st.session_state["campaign_warning"] = " ".join(created.warnings)
        st.session_state[_seen_key(created.campaign_id)] = created.suggestions.version
        st.session_state[GOTO] = created.campaign_id
        st.session_state.pop(_DRAFT, None)
        for name in ("people", *handover.PARAMS):  # what Discover handed over is used: the next one starts afresh
            st.query_params.pop(name, None)
        backend.data_changed()
        st.rerun()
    st.stop()

st.session_state.pop(_DRAFT, None)  # another campaign was picked: the new one is no longer being drafted
try:
    campaign = records.get_campaign(cursor, access, picked)
except CampaignNotFound as exc:
    st.error(f"{plain(exc)} Reload the page.")
    st.stop()
if arrived:  # just opened: what this user sees now is the current version
    st.session_state[_seen_key(picked)] = campaign.version
seen = st.session_state.setdefault(_seen_key(picked), campaign.version)
for name in ("people", *handover.PARAMS):
    st.query_params.pop(name, None)
st.query_params["campaign"] = str(picked)
if seen != campaign.version:
    who = "You (in another tab or page)" if campaign.updated_by == access.user else campaign.updated_by
    st.warning(f"{plain(who)} changed this campaign at {campaign.updated_at:%H:%M:%S}, after you opened it here.")
    if st.button("Reload to see their changes", icon=":material/refresh:"):
        st.session_state[_seen_key(picked)] = campaign.version
        st.rerun()

spec = campaign.spec
st.caption(
    f"{plain(spec.brand)} · {plain(spec.perk)} at {money(spec.cost_per_perk, currency)} each (unless a member has "
    f"their own cost) · {spec.starts_on:%d %b %Y} – "
    f"{spec.ends_on:%d %b %Y} (+{spec.follow_up_days} days follow-up) · tracking {plain(terms_text(spec.terms))}"
    # The budget as set, not a count of perks from it: members' own costs change how many it pays for.
    + (f" · budget {money(spec.budget, currency)}" if spec.budget is not None else "")
    + (f" · at most {spec.perks:,} perks" if spec.perks is not None else "")
)
counts = st.columns(len(STATUSES))
for column, (status, label) in zip(counts, STATUSES.items(), strict=True):
    column.metric(label, campaign.counts.get(status, 0))

list_tab, settings_tab, history_tab = st.tabs(["List", "Settings", "History"])
with list_tab:
    people = plain_cells(members.members(cursor, access, picked), "name", "handles")
    if overlap := members.overlap_note(cursor, access, picked):
        st.warning(plain(overlap), icon=":material/event_busy:")
    checked = _plan(backend.data_key(), access.workspace_id, picked, campaign.version)
    st.markdown(
        f"**{count_of(people.height, 'person', 'people')} on the list · {plain(checked.expected_text())} · "
        f"{money(checked.cost, currency)} in perks and fees**"
    )
    if stage(spec.starts_on, spec.ends_on, campaign.counts, date.today()) == "finished":
        # Nothing left to plan: advice on sending perks or refilling the list would only mislead.
        st.info(
            f"This campaign ended on {spec.ends_on:%d %b %Y} and nobody on its list is still to answer, get their "
            "perk or post: its results are on the Results page.",
            icon=":material/flag:",
        )
        st.page_link(
            "pages/results.py",
            label="See its results",
            icon=":material/insights:",
            query_params={"campaign": str(picked)},
        )
    else:
        _planning(checked, access.workspace_id, picked, campaign.version, can_edit)
    # Ticks belong to people: after a removal or a status change they never move to the next rows.
    ticked = selection.people_table(
        people.with_columns(topic_labels(pl.col("topics")), pl.col("status").replace_strict(STATUSES)),
        key=f"campaign_list_{picked}",
        keep_hidden=False,
        hide_index=True,
        column_order=(
            "name",
            "handles",
            "status",
            "locked",
            "expected_mentions",
            "expected_low",
            "expected_high",
            "cost",
            "score",
            "audience",
            "topics",
            "notes",
            "origin",
            "invited_at",
            "shipped_at",
            "posted_at",
            "post_url",
        ),
        column_config={
            "name": "Name",
            "handles": "Handles",
            "status": "Status",
            "locked": "Locked",
            "expected_mentions": st.column_config.NumberColumn("Expected mentions", format="%.2f"),
            "expected_low": st.column_config.NumberColumn(
                "Expected at least",
                format="%.2f",
                help=f"In {1 - suggest.RANGE[0]:.0%} of cases they make at least this many mentions",
            ),
            "expected_high": st.column_config.NumberColumn(
                "Expected at most",
                format="%.2f",
                help=f"In {suggest.RANGE[1]:.0%} of cases they make at most this many mentions",
            ),
            "cost": st.column_config.NumberColumn(f"Cost ({currency})", format="%.2f"),
            "post_url": st.column_config.LinkColumn("Post", display_text="Open post"),
            "score": "Score",
            "audience": st.column_config.NumberColumn("Audience", format="compact"),
            "topics": st.column_config.ListColumn("Topics"),
            "notes": "Notes",
            "origin": "Came from",
            "invited_at": "Invited",
            "shipped_at": "Perk shipped",
            "posted_at": "Posted",
        },
    )
    chosen = sorted(ticked)
    if can_edit:
        st.caption(f"The buttons below act on {selection.whom(ticked)}." if ticked else "Tick rows to act on them.")
        status_col, apply_col = st.columns([3, 1], vertical_alignment="bottom")
        current = set(people.filter(pl.col("person_id").is_in(chosen))["status"])
        offered = offered_statuses(current)
        new_status = status_col.selectbox("New status", offered, format_func=STATUSES.get, key="campaign_status")
        whom = count_of(len(chosen), "person", "people")
        if apply_col.button("Apply to selected", type="primary", disabled=not chosen, width="stretch"):
            _act(
                picked,
                lambda v: members.set_status(cursor, access, picked, chosen, new_status, v),
                done=f"Marked {whom} as {STATUSES[new_status]}.",
            )
        lock, unlock, remove = st.columns(3)
        if lock.button("Lock selected", disabled=not chosen, width="stretch", icon=":material/lock:"):
            _act(
                picked,
                lambda v: members.set_locked(cursor, access, picked, chosen, True, v),
                done=f"Locked {whom}: a refill of the suggested list keeps them.",
            )
        if unlock.button("Unlock selected", disabled=not chosen, width="stretch", icon=":material/lock_open:"):
            _act(
                picked, lambda v: members.set_locked(cursor, access, picked, chosen, False, v), done=f"Unlocked {whom}."
            )
        if remove.button("Remove selected", disabled=not chosen, width="stretch", icon=":material/person_remove:"):
            _act(
                picked,
                lambda v: members.remove_members(cursor, access, picked, chosen, v),
                done=f"Removed {whom} from the list.",
            )
        if len(chosen) == 1:
            old = people.filter(pl.col("person_id") == chosen[0])["notes"][0]
            with st.form("campaign_notes"):
                note = st.text_area("Notes for the selected person", old)
                if st.form_submit_button("Save notes"):
                    who = people.filter(pl.col("person_id") == chosen[0])["name"][0]
                    _act(
                        picked,
                        lambda v: members.set_notes(cursor, access, picked, chosen[0], note, v),
                        done=f"Saved the note for {who}.",
                    )
        if chosen:
            cost_col, set_col, reset_col = st.columns([2, 1, 1], vertical_alignment="bottom")
            own_cost = cost_col.number_input(
                f"Fee or perk value of each selected person ({currency})",
                min_value=0.01,
                value=float(spec.cost_per_perk),
                step=5.0,
                key="campaign_member_cost",
            )
            if set_col.button("Set cost", width="stretch", icon=":material/payments:"):
                _act(
                    picked,
                    lambda v: campaign_ops.set_member_cost(cursor, access, picked, chosen, own_cost, v),
                    done=f"{count_of(len(chosen), 'person costs', 'people cost')} {money(own_cost, currency)} "
                    f"{'now' if len(chosen) == 1 else 'each now'}.",
                )
            if reset_col.button("Use campaign's cost", width="stretch"):
                _act(
                    picked,
                    lambda v: campaign_ops.set_member_cost(cursor, access, picked, chosen, None, v),
                    done=f"{count_of(len(chosen), 'person costs', 'people cost')} the campaign's "
                    f"{money(spec.cost_per_perk, currency)} again.",
                )
    csv_col, xlsx_col = st.columns(2)
    with csv_col:
        exports.export_button(
            "List as CSV",
            export.list_csv(people),
            file_name=export.file_name("campaign-list", spec.name, "csv"),
            disabled=people.is_empty(),
        )
    with xlsx_col:
        exports.export_button(
            "List as XLSX",
            export.list_xlsx(people),
            file_name=export.file_name("campaign-list", spec.name, "xlsx"),
            disabled=people.is_empty(),
        )
    st.page_link(
        "pages/results.py",
        label="See this campaign's results",
        icon=":material/monitoring:",
        query_params={"campaign": str(picked)},
    )

with settings_tab:
    if not can_edit:
        st.info("You can view this campaign; changing it needs the editor role.")
    else:
        # Keys per campaign and version: the form shows this campaign as stored, never another one's leftovers.
        with st.form(f"campaign_edit_{picked}_{campaign.version}"):
            changed = _spec_form(f"edit_{picked}_{campaign.version}_", spec, topics)
        if changed is not None:
            _act(
                picked,
                lambda v: campaign_ops.save_settings(cursor, access, picked, changed, v),
                done="Settings saved, and the expected mentions of everyone on the list worked out again for them.",
            )
        if access.allows("admin"):
            st.divider()
            code_col, save_col = st.columns([3, 1], vertical_alignment="bottom")
            code = code_col.selectbox(
                "Currency of this workspace's money (admins)",
                list(CURRENCIES),
                index=list(CURRENCIES).index(currency) if currency in CURRENCIES else 0,
                key="campaign_currency",
            )
            if save_col.button("Save currency", width="stretch") and code != currency:
                try:
                    campaign_ops.set_currency(cursor, access, code)
                    st.session_state["campaign_flash"] = f"Money in this workspace is now in {code}."
                except (CampaignError, PermissionDenied) as exc:
                    st.session_state["campaign_error"] = str(exc)
                backend.data_changed()
                st.rerun()
        st.divider()
        sure = st.checkbox("Yes, delete this campaign (you can restore it below)", key="campaign_delete_sure")
        if st.button("Delete campaign", disabled=not sure, icon=":material/delete:"):
            try:
                records.archive_campaign(cursor, access, picked, st.session_state[_seen_key(picked)])
            except CampaignError as exc:
                st.error(str(exc))
                st.stop()
            st.session_state["campaign_flash"] = f"Deleted “{spec.name}”. Restore it from Deleted campaigns below."
            st.session_state[GOTO] = next((c for c in names if c != picked), NEW)
            st.query_params.clear()
            backend.data_changed()
            st.rerun()

with history_tab:
    st.dataframe(
        plain_cells(members.readable_history(cursor, access, picked), "name", "old_value", "new_value"),
        hide_index=True,
        column_order=("changed_at", "changed_by", "name", "field", "old_value", "new_value"),
        column_config={
            "changed_at": "When",
            "changed_by": "Who",
            "name": "Person",
            "field": "What",
            "old_value": "Before",
            "new_value": "After",
        },
        placeholder=UNKNOWN,
    )

archived = records.list_campaigns(cursor, access, archived=True)
if can_edit and archived.height:
    with st.expander(f"Deleted campaigns ({archived.height})"):
        for campaign_id, name in zip(archived["campaign_id"], archived["name"], strict=True):
            text, button = st.columns([4, 1], vertical_alignment="center")
            text.markdown(plain(name))
            if button.button("Restore", key=f"campaign_restore_{campaign_id}", icon=":material/undo:"):
                try:  # another user may have restored it since this page was drawn
                    st.session_state[_seen_key(campaign_id)] = records.restore_campaign(cursor, access, campaign_id)
                    st.session_state[GOTO] = campaign_id
                except CampaignError as exc:
                    st.session_state["campaign_error"] = str(exc)
                backend.data_changed()
                st.rerun()
