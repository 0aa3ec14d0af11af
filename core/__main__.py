"""`python -m core`: Sway's command line."""

from core.cli import main

raise SystemExit(main())
