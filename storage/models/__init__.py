"""The tables, one module per area. Times are stored as UTC; money as integer satang;
phones as E.164. Importing this package registers every table (migrations compare them)."""

from __future__ import annotations

from storage.models.automations import (
    AutomationSend,
    AutomationSetting,
    MemberLifecycle,
    Referral,
    WeeklySummaryChoice,
)
from storage.models.campaigns import (
    Campaign,
    CampaignChunk,
    CampaignRecipient,
    MemberScore,
    ScoreRun,
    SegmentDrop,
)
from storage.models.chat import (
    Dialog,
    LineQuota,
    MediaFile,
    OutboxMessage,
    ProcessedEvent,
    QueuedJob,
    RateLimitWindow,
    RichMenuDeployment,
)
from storage.models.columns import (
    UTCDateTime,
    id_of,
)
from storage.models.figures import FigureSnapshot, FigureState
from storage.models.ledger import (
    EntryKind,
    LedgerEntry,
    LotUse,
    PointLot,
    PointsDebt,
    Purchase,
    Refund,
)
from storage.models.limits import AwardLimit, AwardRequest
from storage.models.members import (
    LineUser,
    Member,
    PhoneVerification,
    Role,
    StaffInvite,
)
from storage.models.pos import (
    ApiCall,
    ApiKey,
)
from storage.models.privacy import (
    AuditEntry,
    ConsentRecord,
    DataExport,
)
from storage.models.rewards import (
    Coupon,
    CouponStatus,
    Reward,
    RewardCost,
    StoredImage,
)

__all__ = [
    "ApiCall",
    "ApiKey",
    "AuditEntry",
    "AutomationSend",
    "AutomationSetting",
    "AwardLimit",
    "AwardRequest",
    "Campaign",
    "CampaignChunk",
    "CampaignRecipient",
    "ConsentRecord",
    "Coupon",
    "CouponStatus",
    "DataExport",
    "Dialog",
    "EntryKind",
    "FigureSnapshot",
    "FigureState",
    "id_of",
    "LedgerEntry",
    "LineQuota",
    "LineUser",
    "LotUse",
    "MediaFile",
    "Member",
    "MemberLifecycle",
    "MemberScore",
    "ScoreRun",
    "OutboxMessage",
    "PhoneVerification",
    "PointLot",
    "PointsDebt",
    "ProcessedEvent",
    "Purchase",
    "QueuedJob",
    "RateLimitWindow",
    "Referral",
    "Refund",
    "Reward",
    "RewardCost",
    "RichMenuDeployment",
    "Role",
    "SegmentDrop",
    "StaffInvite",
    "StoredImage",
    "UTCDateTime",
    "WeeklySummaryChoice",
]
