"""Topic classifier for posts: the 19 TweetTopic labels, multi-label, trained on the shipped labelled sample."""

from core.topics.model import LABELS, TopicModel, train
from core.topics.model_file import load, load_or_train, model_path, save

__all__ = ["LABELS", "TopicModel", "load", "load_or_train", "model_path", "save", "train"]
