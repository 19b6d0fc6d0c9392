"""The audit log and the audited save of a changed row."""
