"""Imports of learners, host companies (with tutors) and mobilities from CSV and XLSX files."""
