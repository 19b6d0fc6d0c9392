"""Projects (grant agreements) that fund mobilities."""
