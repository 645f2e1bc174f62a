"""Write services of the forums app, by concept; import them from here.

`from forums import services` then `services.proposal_create(...)`: the package keeps the
path the other apps and the tests use.
"""

from forums.services.common import (  # noqa: F401
    TRANSITIONS,
    S,
    event_add,
    secretariat_users,
    unit_officers,
)
from forums.services.escalations import (  # noqa: F401
    proposal_decide,
    proposal_escalate,
    proposal_follow_decision,
    proposal_open_vote,
    proposal_register,
    proposal_return,
)
from forums.services.meetings import (  # noqa: F401
    MAX_MEETING_GUESTS,
    agenda_item_add,
    meeting_cancel,
    meeting_create,
    meeting_file_add,
    meeting_record,
    meeting_update,
    proposal_schedule,
)
from forums.services.proposals import (  # noqa: F401
    attachment_add,
    comment_add,
    comment_hide,
    proposal_assign,
    proposal_close,
    proposal_create,
    proposal_merge,
    proposal_put_on_agenda,
    proposal_record,
    proposal_screen,
    proposal_submit,
    proposal_support,
    proposal_update_draft,
)
from forums.services.responses import (  # noqa: F401
    REMINDER_DAYS,
    response_deadlines_check,
    response_log,
    response_publish,
    response_template_delete,
    response_template_save,
)
