"""All tables, imported so that Base.metadata knows them."""

from rolodex.models.activities import Activity
from rolodex.models.audit import AuditEntry, AuditErasure, AuditHead, AuditSubjectKey
from rolodex.models.base import Base
from rolodex.models.customers import Address, Customer, CustomerSource, CustomerTag
from rolodex.models.identity import (
    DedupeScan,
    DismissedPair,
    DuplicateCandidate,
    IdentityMatch,
    IdentitySettings,
    MergeLog,
)
from rolodex.models.imports import (
    ImportChunk,
    ImportKey,
    ImportOverlay,
    ImportRow,
    ImportRowError,
    ImportRun,
)
from rolodex.models.ingest import CustomerPrediction, InboxItem, IngestMark, WebhookSource
from rolodex.models.jobs import Job
from rolodex.models.lifecycle import LtvEntry, StageTransition
from rolodex.models.orders import Order, OrderItem
from rolodex.models.segments import Segment, SegmentHistory, SegmentMembership
from rolodex.models.tenants import ApiKey, Tenant, User
from rolodex.models.views import SavedView

__all__ = [
    "Activity",
    "ImportChunk",
    "ImportKey",
    "ImportOverlay",
    "ImportRow",
    "ImportRowError",
    "ImportRun",
    "CustomerPrediction",
    "InboxItem",
    "IngestMark",
    "Job",
    "WebhookSource",
    "AuditEntry",
    "AuditErasure",
    "AuditHead",
    "AuditSubjectKey",
    "LtvEntry",
    "Order",
    "OrderItem",
    "StageTransition",
    "SavedView",
    "Segment",
    "SegmentHistory",
    "SegmentMembership",
    "Address",
    "ApiKey",
    "Base",
    "Customer",
    "CustomerSource",
    "CustomerTag",
    "DedupeScan",
    "DismissedPair",
    "DuplicateCandidate",
    "IdentityMatch",
    "IdentitySettings",
    "MergeLog",
    "Tenant",
    "User",
]
