"""Small app-wide state."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from certify.clock import now_utc
from certify.db import UTCDateTime, db


class Marker(db.Model):
    """A named fact about this installation, e.g. that the demo content was loaded."""

    __tablename__ = "marker"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    value: Mapped[str] = mapped_column(sa.Text, default="")
