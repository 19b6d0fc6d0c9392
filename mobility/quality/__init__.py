"""Quality: the participant's end-of-stay report (questions as data), and what it tells about hosts."""
