"""The pages of certification: staff, the learner's own download, public verification."""
