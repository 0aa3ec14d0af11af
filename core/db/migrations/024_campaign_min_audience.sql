-- A campaign's minimum audience (core/campaigns/model.py): the suggested list leaves out people followed by fewer,
-- as a perk's worth depends on how many people see the post it buys. Counted like Discover's audience filter: all
-- of a person's followers, or with networks chosen those of one account there. 0 (every campaign stored before
-- this migration) targets any audience.
ALTER TABLE campaigns ADD COLUMN min_audience BIGINT NOT NULL DEFAULT 0;
