"""Reports: item analysis, charts and exports of results."""
