"""Write services of the structure, by concept; import them from `platforms.services`."""

from platforms.services.events import (  # noqa: F401
    event_record,
)
from platforms.services.groups import (  # noqa: F401
    GROUP_PARTIES,
    group_create,
    group_join,
    group_leave,
    group_missing_parties,
    group_set_coordinator,
)
from platforms.services.membership import (  # noqa: F401
    REQUESTABLE_PARTIES,
    TERM_REMINDER_DAYS,
    add_officials_by_default,
    delegate_name,
    membership_approve,
    membership_end,
    membership_grant,
    membership_refuse,
    membership_request,
    platform_member_count_refresh,
    platform_member_counts_recount,
    terms_check,
)
from platforms.services.police import (  # noqa: F401
    liaison_assign,
    liaison_end,
)
from platforms.services.structure import (  # noqa: F401
    DATA_DIR,
    platform_close,
    platform_create,
    platform_reopen,
    territories_load,
)
