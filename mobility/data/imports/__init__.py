"""Imports of learners, organisations and mobilities from CSV and XLSX, previewed then applied."""
