"""Tests of the formats: each writer and reader (`digestkit.formats`)."""
