"""How a workspace sees a person's topics: the fixed SQL that readers join to leave out the topics the workspace
marked as wrong (core/topics/removals.py writes them). Kept apart from removals so that its readers (campaigns,
Discover, the collector through campaign mentions) do not load the topic classifier."""

# Readers join this on person_id, binding the workspace id, to see a person's topics as that workspace does:
# (person_id, removed_topics) of the people with topics marked as wrong and not undone (fixed SQL, formatted in).
REMOVED_TOPICS = """(
    SELECT person_id, list(topic ORDER BY topic) AS removed_topics FROM (
        SELECT person_id, topic, arg_max(action, removal_id) AS action FROM person_topic_removals
        WHERE workspace_id = ? GROUP BY person_id, topic
    ) WHERE action = 'remove' GROUP BY person_id
)"""
# A person's `topics` without their REMOVED_TOPICS (NULL when the join found none: nothing to take out).
KEPT_TOPICS = (
    "CASE WHEN removed_topics IS NULL THEN topics "
    "ELSE list_filter(topics, lambda t: NOT list_contains(removed_topics, t)) END"
)
