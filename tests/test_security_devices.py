"""Devices are named in words from real user-agent strings, with a fallback for the rest."""

import pytest

from myapp.security.devices import UNKNOWN_DEVICE, device_label
from tests.support import CHROME_MACOS, FIREFOX_LINUX, SAFARI_IPHONE


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (CHROME_MACOS, "Chrome 131 on macOS"),
        (FIREFOX_LINUX, "Firefox 133 on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge 131 on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome 131 on Android",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari on iPad",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari on macOS",
        ),
    ],
)
def test_real_user_agents_are_named_by_browser_and_platform(user_agent, label):
    assert device_label(user_agent) == label


def test_a_program_without_a_platform_is_named_by_itself():
    assert device_label("curl/8.5.0") == "curl 8"


def test_a_platform_without_a_known_browser_says_so():
    assert device_label("Mozilla/5.0 (X11; Linux x86_64)") == "Unknown browser on Linux"


@pytest.mark.parametrize("user_agent", [None, "", "   ", "TestAgent/1.0"])
def test_missing_or_unrecognised_agents_are_an_unknown_device(user_agent):
    assert device_label(user_agent) == UNKNOWN_DEVICE


def test_labels_are_cached_per_agent():
    device_label.cache_clear()
    device_label(CHROME_MACOS)
    device_label(CHROME_MACOS)
    info = device_label.cache_info()
    assert (info.hits, info.misses) == (1, 1)
