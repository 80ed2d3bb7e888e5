"""Home page, role dashboards, language switch and the navigation registry."""
