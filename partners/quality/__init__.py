"""What a network knows of an organisation's quality: its status (recommended, to watch, not to use) and its labels."""
