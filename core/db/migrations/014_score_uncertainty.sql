-- How sure each score is (core/scoring/uncertainty.py): its 95% interval on the 1-100 scale from a bootstrap over
-- the person's reactors, and whether it rests on too little data to rank on. Written by core/scoring/runs.py;
-- copied into discovery by core/discover/build.py so Discover can hide uncertain scores and exports carry them.
-- Rows stored before this migration have no interval (NULL) until the next refresh; discovery then shows the
-- score itself as its range and marks only the floor score 1 as too little data.
ALTER TABLE scores ADD COLUMN score_low SMALLINT;
ALTER TABLE scores ADD COLUMN score_high SMALLINT;
ALTER TABLE scores ADD COLUMN too_little_data BOOLEAN;
ALTER TABLE discovery ADD COLUMN score_low SMALLINT;
ALTER TABLE discovery ADD COLUMN score_high SMALLINT;
ALTER TABLE discovery ADD COLUMN too_little_data BOOLEAN NOT NULL DEFAULT true;
