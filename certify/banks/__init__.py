"""Question banks: items with immutable versions, review, assets, import and export."""
