"""Views of the forums app, by concept; urls.py imports them from here."""

from forums.views.meetings import (  # noqa: F401
    meeting_detail,
    meeting_edit,
    meeting_file,
    meeting_list,
    meeting_new,
)
from forums.views.proposals import (  # noqa: F401
    access_proposal,
    after_login,
    answer_templates,
    attachment,
    export_csv,
    export_xlsx,
    liaison_dashboard,
    my_page,
    proposal_detail,
    proposal_edit,
    proposal_new,
    proposal_record,
    raise_problem,
    respond,
    response_publish,
    tracker,
)
