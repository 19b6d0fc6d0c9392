"""After the placement: evaluations, self-assessment, employer debrief, recognition, reminders."""
