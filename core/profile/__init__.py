"""Profile: one person's headline numbers, score history, why they score what they score, topics with evidence,
authenticity flags, who amplifies them and their recent posts."""

from core.profile.assemble import Header, Profile, ProfileNotFound, in_workspace, profile
from core.profile.corrections import TopicCorrectionError, mark_topic_wrong, undo_topic_wrong

__all__ = [
    "Header",
    "Profile",
    "ProfileNotFound",
    "TopicCorrectionError",
    "in_workspace",
    "mark_topic_wrong",
    "profile",
    "undo_topic_wrong",
]
