"""The tokenizer keeps the signals social posts carry outside plain words."""

from core.topics.tokenize import token_lists, tokenize


def test_keeps_hashtags_mentions_and_emoji():
    tokens = tokenize("Leg day done 💪 #fitness thanks @Brand!")
    assert "#fitness" in tokens
    assert "@brand" in tokens
    assert "💪" in tokens


def test_hashtag_also_yields_its_words():
    tokens = tokenize("#FitnessGoals2024")
    assert tokens[0] == "#fitnessgoals2024"
    assert {"fitness", "goals", "2024"} <= set(tokens)


def test_each_emoji_is_a_token_and_skin_tones_fold_away():
    assert tokenize("😂😂🔥") == ["😂", "😂", "🔥"]
    assert tokenize("👍🏽") == tokenize("👍")


def test_urls_leave_no_fragments():
    assert tokenize("new video https://t.co/AbC123 www.example.com/x") == ["new", "video"]


def test_an_acronym_inside_a_hashtag_stays_one_word():
    assert tokenize("#NBAFinals")[1:] == ["nba", "finals"]


def test_a_batch_keeps_one_list_per_text_even_when_empty():
    assert token_lists(["Game night 🎲", "", None, "https://t.co/x"]).to_list() == [["game", "night", "🎲"], [], [], []]
