"""Synthetic, realistic customer data for the demo and the benchmarks."""
