"""Benchmarks for myapp: the cost of an authenticated request, as ratios to ``/healthz``.

Run ``python -m bench`` (or ``--quick``); see bench/README.md.
"""
