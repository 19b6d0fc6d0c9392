"""Documents uploaded for learners and mobilities."""
