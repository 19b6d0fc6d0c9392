"""Recruitment: calls for applications, applications (with the employer's and the guardian's
agreement), scoring on a weighted grid, ranking, allocation to places, decisions and appeals, and the
selected application turned into a planned mobility."""
