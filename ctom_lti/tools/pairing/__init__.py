"""Mentor pairing: mentor and candidate profiles, an optimal matching, and its history."""
