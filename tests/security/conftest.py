"""The security tests reuse the tip_reports fixtures: the report page, a CSRF-enforcing client,
a valid tip, and private photo storage in a temporary directory."""

from tests.tip_reports.conftest import (  # noqa: F401  (fixtures)
    _private_storage,
    demo_stations,
    english_report_page,
    make_image,
    report_page,
    tip_client,
    valid_post_data,
)
