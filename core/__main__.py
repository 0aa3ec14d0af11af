"""`python -m core`: Sway's command line."""

from core.cli.main import main

raise SystemExit(main())
