"""People without an account: personal links, guest sessions, the tutor's, learner's and employer's pages."""
