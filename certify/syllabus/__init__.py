"""The occupational standard: occupation, levels, the unit tree and the weight tables."""
