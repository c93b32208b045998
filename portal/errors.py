"""What the portal's library functions raise; the app turns each into a page.

Messages are in Chinese and name the field or object concerned: they are
shown to the person as they are.  A function that raises has changed
nothing: routes run it inside one transaction, rolled back on any error.
"""
from __future__ import annotations


NUL_MESSAGE = "请求含有控制字符（空字符 NUL），未作任何改动"


class PortalError(ValueError):
    """Bad input or an action not allowed in the object's state (HTTP 400)."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Forbidden(PortalError):
    """The account's place in the hierarchy does not allow this (HTTP 403)."""

    status = 403


class NotFound(PortalError):
    """No such object, or none this account may see: the two look alike on
    purpose, so that a forged id tells nothing about other regions (HTTP 404)."""

    status = 404

    def __init__(self, what: str = "对象"):
        super().__init__(f"未找到该{what}，或您无权查看")
