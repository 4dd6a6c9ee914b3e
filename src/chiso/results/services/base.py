"""What the results services share."""

from __future__ import annotations

from django.utils.translation import gettext_noop

DEFAULT_TARGET_RANK = 20
# No target recorded (results.Target): rank 20, said to be a default, not anyone's decision.
DEFAULT_TARGET_BASIS = gettext_noop("Mặc định (chưa nhập)")  # shown translated
DEMO_LABEL = "DỮ LIỆU MINH HỌA"
