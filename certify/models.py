"""Import every model module, so that the metadata (create_all, Alembic) knows every table."""

from certify.audit import AuditEvent  # noqa: F401
from certify.auth.models import User, UserRole, UserSession  # noqa: F401
from certify.main.models import Marker  # noqa: F401
from certify.syllabus.models import Level, Occupation, Unit, Weight  # noqa: F401
