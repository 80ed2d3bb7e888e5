"""Import every model module, so that the metadata (create_all, Alembic) knows every table."""

from certify.audit import AuditEvent  # noqa: F401
from certify.auth.models import User, UserRole, UserSession  # noqa: F401
from certify.banks.models import Asset, Item, ItemReview, ItemVersion  # noqa: F401
from certify.certificates.models import Certificate, CertificateSequence  # noqa: F401
from certify.exams.models import (  # noqa: F401
    Attempt,
    AttemptItem,
    Enrolment,
    ExamDefinition,
    Response,
    Sitting,
)
from certify.grading.models import (  # noqa: F401
    ComponentPass,
    ItemScore,
    LevelPass,
    Mark,
    Result,
    ResultRevision,
)
from certify.main.models import Marker  # noqa: F401
from certify.syllabus.models import Level, Occupation, Unit, Weight  # noqa: F401
