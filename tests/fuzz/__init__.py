"""Fuzzing the encoder: the oracle every conversion must satisfy, and a coverage-guided target."""
