from symbiosis.cli.commands import app, main  # noqa
