"""`python -m core`: the command line, one module per group of subcommands."""
