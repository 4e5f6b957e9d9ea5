"""Sportello's benchmarks: figures, not tests (`python -m benchmarks`, `sportello bench`)."""
