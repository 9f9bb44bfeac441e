"""The benchmark's measures, one module a section; bench/bench.py runs them in order.

`common` holds what they share (timing, subprocess probes, tables, the corpus, `Report`)."""
