"""Data protection: a learner's data as an archive, erasure, retention."""
