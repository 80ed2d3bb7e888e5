"""Routes of the foundation: home, accounts, administration, syllabus."""

from __future__ import annotations

from certify.db import db
from certify.syllabus.models import Level, Occupation, Unit
from tests.security.matrix import ADMINS, PUBLIC, STAFF, USERS, Route, World


def build(world: World) -> None:
    occupation = Occupation(code="4-04-05-05", name_en="AI Trainer", name_zh="人工智能训练师")
    level = Level(number=4, name_en="Level 4", name_zh="四级", required_components=["theory"])
    occupation.levels.append(level)
    unit = Unit(code="1", kind="function", title_en="Data", title_zh="数据", level=level)
    leaf = Unit(code="1.1", kind="work_content", title_en="Checking", title_zh="检验", level=level,
                parent=unit, position=1)
    db.session.add_all([occupation, unit, leaf])
    db.session.commit()
    world.unit_id = unit.id
    world.leaf_unit_id = leaf.id


ROUTES = [
    Route("static", PUBLIC, args=lambda w: {"filename": "css/certify.css"}),
    Route("main.index", PUBLIC),
    Route("main.healthz", PUBLIC),
    Route("main.dashboard", USERS),
    Route("main.set_language", PUBLIC, method="POST", data=lambda w: {"locale": "zh"}),
    Route("auth.login", PUBLIC),
    Route("auth.login", PUBLIC, method="POST", data=lambda w: {"email": "x@example.org"}),
    Route("auth.logout", PUBLIC, method="POST"),
    Route("auth.register", PUBLIC),
    Route("auth.register", PUBLIC, method="POST", data=lambda w: {}),
    Route("auth.account", USERS),
    Route("auth.account", USERS, method="POST", data=lambda w: {}),
    Route("admin.users", ADMINS),
    Route("admin.new_user", ADMINS),
    Route("admin.new_user", ADMINS, method="POST", data=lambda w: {}),
    Route("admin.user", ADMINS, args=lambda w: {"user_id": w.users["candidate"].id}),
    Route("admin.user", ADMINS, method="POST", args=lambda w: {"user_id": w.users["examiner"].id},
          data=lambda w: {"is_examiner": "y"}),
    Route("admin.set_active", ADMINS, method="POST",
          args=lambda w: {"user_id": w.users["other_candidate"].id}, data=lambda w: {"active": "1"}),
    Route("admin.user_details", ADMINS, args=lambda w: {"user_id": w.users["candidate"].id}),
    Route("admin.user_details", ADMINS, method="POST",
          args=lambda w: {"user_id": w.users["candidate"].id}, data=lambda w: {}),
    Route("admin.audit_log", ADMINS),
    Route("syllabus.index", PUBLIC),
    Route("syllabus.level", PUBLIC, args=lambda w: {"number": 4}),
    Route("syllabus.admin", ADMINS),
    Route("syllabus.admin", ADMINS, method="POST", data=lambda w: {}),
    Route("syllabus.export", STAFF),
    Route("syllabus.edit_weights", ADMINS, args=lambda w: {"number": 4, "component": "theory"}),
    Route("syllabus.edit_weights", ADMINS, method="POST",
          args=lambda w: {"number": 4, "component": "theory"}, data=lambda w: {}),
    Route("syllabus.edit_unit", ADMINS, args=lambda w: {"unit_id": w.unit_id}),
    Route("syllabus.edit_unit", ADMINS, method="POST", args=lambda w: {"unit_id": w.unit_id},
          data=lambda w: {}),
    Route("syllabus.new_unit", ADMINS, args=lambda w: {"number": 4}),
    Route("syllabus.new_unit", ADMINS, method="POST", args=lambda w: {"number": 4},
          data=lambda w: {}),
    Route("syllabus.delete_unit", ADMINS, method="POST",
          args=lambda w: {"unit_id": w.leaf_unit_id}),
]
