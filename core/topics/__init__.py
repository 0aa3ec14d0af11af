"""Topic classifier for posts: the 19 TweetTopic labels, multi-label, trained on the shipped labelled sample."""
