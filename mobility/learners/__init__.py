"""Learners, their parental consent, the qualifications they prepare."""
