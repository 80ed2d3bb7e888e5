"""Timed exams: definitions with blueprints, sittings, enrolments, attempts and saved answers."""
