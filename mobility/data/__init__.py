"""Data in and out: imports, exports, the activity report, the Erasmus+ file, spreadsheets."""
