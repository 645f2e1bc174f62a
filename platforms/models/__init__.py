"""The structure of the portal, by concept; import every model from `platforms.models`."""

from platforms.models.base import (  # noqa: F401
    AppendOnlyModel,
    TreeNode,
    TreeQuerySet,
)
from platforms.models.choices import (  # noqa: F401
    OFFICIAL_PARTIES,
    TERM_ROLES,
    Party,
    Role,
)
from platforms.models.decisions import (  # noqa: F401
    Decision,
    DecisionRule,
    Matter,
    RuleKind,
    Vote,
)
from platforms.models.imports import (  # noqa: F401
    ImportJob,
)
from platforms.models.membership import (  # noqa: F401
    Membership,
    MembershipQuerySet,
    ThematicGroup,
)
from platforms.models.platform import (  # noqa: F401
    Committee,
    ForumAcknowledgement,
    Platform,
    PlatformContact,
    PlatformEvent,
    PlatformGroupObjectPermission,
    PlatformUserObjectPermission,
)
from platforms.models.police import (  # noqa: F401
    LiaisonOfficer,
    PoliceUnit,
    PoliceUnitGroupObjectPermission,
    PoliceUnitUserObjectPermission,
)
from platforms.models.territory import (  # noqa: F401
    Territory,
)
