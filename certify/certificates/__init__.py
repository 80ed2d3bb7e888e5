"""Certificates: numbering, verification codes, PDF rendering and Open Badges 3.0 export."""
