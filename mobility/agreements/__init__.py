"""Learning agreements, their versions and signatures."""
