-- Topic tagging costs what changed: each post is tagged once and remembered with the model that tagged it,
-- so a refresh tags only new posts (and all again only after a retrain), and with its language, so a post
-- in a language the classifier does not cover is marked, not guessed (core/topics/tagging.py, language.py).

-- The language the source tagged a post with, when it gives one (Bluesky's `langs`, Twitter's `lang`), as
-- BCP 47 tags, several separated by commas ("en", "pt-BR", "es,en"); NULL when the source gives none.
ALTER TABLE posts ADD COLUMN IF NOT EXISTS language VARCHAR;

-- One row per post tagged: the post's topics are in post_topics (none if not covered). Written only by
-- core/topics/tagging.py; rows of posts that no longer exist are dropped at the next tagging.
CREATE TABLE post_tagging (
    post_id   BIGINT NOT NULL,
    model_key VARCHAR NOT NULL,  -- tagging.model_key() of the model that tagged it: a new model re-tags
    language  VARCHAR NOT NULL,  -- ISO 639-1 code from the source's tag or detected; 'und' = undetermined,
                                 -- 'other' = mostly a writing system the detector does not name
    covered   BOOLEAN NOT NULL   -- false: the classifier was not trained on the language; no topics guessed
);
