-- Each score history point keeps the score's likely range and its too-little-data mark (core/scoring/uncertainty.py),
-- as the current scores do, so a Profile's history shows which rises and falls lie within chance: a score of 24 from
-- four likes and a 12 from two are the same person's noise. Points stored before this migration have none (NULL).
ALTER TABLE score_history ADD COLUMN score_low SMALLINT;
ALTER TABLE score_history ADD COLUMN score_high SMALLINT;
ALTER TABLE score_history ADD COLUMN too_little_data BOOLEAN;
