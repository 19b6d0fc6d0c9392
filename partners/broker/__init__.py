"""The message broker seen from the platform: publishing that never holds a request, and the count
of the work published again after a broker outage, a lost message or a dead worker."""
