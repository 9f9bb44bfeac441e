"""Tests of the command line (`digestkit.cli`), mostly as a subprocess."""
