"""Tests of the digest-Markdown reader (`digestkit.markdown`)."""
