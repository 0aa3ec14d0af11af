-- Which topic corrections change the topics every workspace sees (core/topics/corrections.py).
--
-- Post topics, topic influence and Discover are shared by all workspaces, and shared data changes only with the
-- instance operator's role: a workspace editor's correction now stays with their workspace and feeds the next
-- training run (which an operator starts), while an operator's (or the local workspace's) corrects the post for
-- everyone at the next topic refresh. Corrections made before this migration are shared when the local workspace
-- or a user who is an operator now made them.
ALTER TABLE topic_corrections ADD COLUMN shared BOOLEAN DEFAULT false;
UPDATE topic_corrections SET shared = corrected_by = 'local' OR corrected_by IN (SELECT email FROM instance_operators);
