"""Duty of care: incidents during a stay, who is abroad now, the emergency sheet."""
