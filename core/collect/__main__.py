"""`python -m core.collect bluesky|mastodon`: the live collector, without the rest of the command line."""

from core.cli.collect import main

raise SystemExit(main())
