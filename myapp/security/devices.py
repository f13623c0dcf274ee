"""Name a device in words from its user agent: "Chrome 131 on macOS", "Safari on iPhone".

Parsing uses ``ua-parser`` (the maintained uap-core rules) rather than hand-written patterns,
which rot as browsers change their user agents.
"""

from functools import lru_cache

import ua_parser

UNKNOWN_DEVICE = "Unknown device"

#: Browser families as people know them; the parser tells mobile builds apart, people don't.
_BROWSER_NAMES = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "HeadlessChrome": "Headless Chrome",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Samsung Internet": "Samsung Internet",
}

#: Safari's version follows the operating system's, so it adds nothing a person would use.
_UNVERSIONED_BROWSERS = {"Safari"}

_OS_NAMES = {
    "Mac OS X": "macOS",
    "Chrome OS": "ChromeOS",
}

#: Devices named instead of their operating system: "on iPhone" says more than "on iOS".
_NAMED_DEVICES = {"iPhone", "iPad", "iPod"}


@lru_cache(maxsize=1024)
def device_label(user_agent: str | None) -> str:
    """Return the browser and platform of ``user_agent`` in words, or ``"Unknown device"``.

    Cached: the sessions list re-renders on every revoke, and a user has few distinct agents.
    """
    if not user_agent or not user_agent.strip():
        return UNKNOWN_DEVICE
    result = ua_parser.parse(user_agent)
    browser = _browser(result.user_agent)
    platform = _platform(result.os, result.device)
    if browser and platform:
        return f"{browser} on {platform}"
    if browser:
        return browser
    if platform:
        return f"Unknown browser on {platform}"
    return UNKNOWN_DEVICE


def _browser(agent: ua_parser.UserAgent | None) -> str | None:
    if agent is None or agent.family == "Other":
        return None
    name = _BROWSER_NAMES.get(agent.family, agent.family)
    if agent.major and name not in _UNVERSIONED_BROWSERS:
        return f"{name} {agent.major}"
    return name


def _platform(os: ua_parser.OS | None, device: ua_parser.Device | None) -> str | None:
    if device is not None and device.family in _NAMED_DEVICES:
        return device.family
    if os is None or os.family == "Other":
        return None
    return _OS_NAMES.get(os.family, os.family)
