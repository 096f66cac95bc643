"""The sample shop's till history: the year before line-loyalty, imported as `loyalty import
purchases` imports a POS export (counter-only members by phone, purchases without points)."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session

from bot.demo.sample_plan import Plan
from bot.services import Services
from storage import members, phones, purchases_import
from storage.models import id_of


def import_history(services: Services, plan: Plan) -> None:
    """The till's purchases before the shop began with line-loyalty, as `loyalty import
    purchases` takes them: counter-only members by phone, no points."""
    rows = io.StringIO()
    out = csv.writer(rows)
    out.writerow(["phone", "occurred_at", "amount", "ref"])
    for n, visit in enumerate(plan.history):
        baht, satang = divmod(visit.amount_satang, 100)
        phone = plan.customers[visit.customer].phone
        out.writerow([phone, visit.at.isoformat(), f"{baht}.{satang:02d}", f"till:{n + 1}"])
    rows.seek(0)
    options = purchases_import.Options(tz=services.tz, file_key="sample")
    purchases_import.import_purchases(services.engine, rows, options)


def imported_members(session: Session, plan: Plan) -> dict[int, int]:
    """customer index -> member id, for the customers the import created."""
    found: dict[int, int] = {}
    for index in sorted({v.customer for v in plan.history}):
        phone = phones.to_e164(plan.customers[index].phone)
        member = members.find_member_by_phone(session, phone) if phone else None
        if member is not None:
            found[index] = id_of(member)
    return found
