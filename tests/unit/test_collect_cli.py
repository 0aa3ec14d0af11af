"""The collect command refuses bad input with the file, line and what to do, before connecting anywhere."""

from core.cli.main import main


def test_a_watch_list_line_that_is_not_a_did_is_named(tmp_path, capsys):
    watch = tmp_path / "watch.txt"
    watch.write_text("# people to watch\ndid:plc:4uz2445cjiw7w4nobfgnu35f\n@mira.bsky.social\n", encoding="utf-8")
    assert main(["collect", "bluesky", "--dids", str(watch), "--appview", "none"]) == 1
    err = capsys.readouterr().err
    assert f"{watch}, line 3: '@mira.bsky.social' is not a DID" in err
    assert "one DID" in err


def test_mastodon_needs_something_to_follow(capsys):
    assert main(["collect", "mastodon", "--instance", "https://social.example"]) == 2
    assert "--tag or --account" in capsys.readouterr().err
