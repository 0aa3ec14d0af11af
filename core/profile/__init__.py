"""Profile: one person's headline numbers, score history, why they score what they score, topics with evidence,
authenticity flags, who amplifies them, their recent posts, and the campaigns of the viewer's workspace they are on."""

from core.profile.assemble import Header, Profile, ProfileNotFound, in_workspace, profile
from core.profile.campaigns import campaigns_of
from core.profile.flags import flag_name, flag_sentences
from core.topics.removals import TopicCorrectionError, mark_topic_wrong, undo_topic_wrong

__all__ = [
    "Header",
    "Profile",
    "ProfileNotFound",
    "TopicCorrectionError",
    "campaigns_of",
    "flag_name",
    "flag_sentences",
    "in_workspace",
    "mark_topic_wrong",
    "profile",
    "undo_topic_wrong",
]
