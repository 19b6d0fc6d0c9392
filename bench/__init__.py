"""Benchmarks of the platform: ``make bench`` (bench/run.py); bench/README.md says what each figure is."""
