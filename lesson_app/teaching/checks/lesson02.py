"""Checkers for notebook 02: valid IPv4 addresses, example addresses, and the Host header."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 02 imports every checker of its lesson from here; two live in modules of their own.
from lesson_app.teaching.checks.dns_cache import check_cache_prediction as check_cache_prediction
from lesson_app.teaching.checks.host_header import check_host_header as check_host_header
from lesson_app.teaching.restart import make_needs

# The names this lesson's cells make, and the heading of the section whose code cell makes each: after a
# kernel restart, `needs(...)` in an exercise cell names that section instead of a bare NameError.
MADE_IN = {
    "db_url": "Start the real parts",
    "server": "Start the real parts",
    "client": "Start the real parts",
    "resolve": "DNS without the internet: a resolver in a few lines",
    "zones": "Who knows the answer: delegation",
}
needs = make_needs(MADE_IN)

# (text, is it a valid IPv4 address, what a wrong answer for it has missed). The valid ones come first, so a
# function that always says False is told so at once; then the mistakes people make, most common first.
IPV4_CASES: list[tuple[str, bool, str]] = [
    ("192.168.1.10", True, "it is an address the notes use, and valid: four numbers, each 0 to 255"),
    ("127.0.0.1", True, "it is the loopback address, valid: four numbers, each 0 to 255"),
    ("0.0.0.0", True, "0 is allowed in every place: each number runs from 0 to 255"),
    ("255.255.255.255", True, "255 is allowed in every place: each number runs from 0 to 255"),
    ("192.0.2.10", True, "it is valid: four numbers, each 0 to 255"),
    ("167.511.0.1", False, "511 is larger than 255, the most one 8-bit number can hold (the notes' example)"),
    ("256.1.1.1", False, "256 is one more than 255, the most one 8-bit number can hold"),
    ("1.2.3", False, "an IPv4 address has exactly four numbers"),
    ("1.2.3.4.5", False, "an IPv4 address has exactly four numbers"),
    ("1.2.3.", False, "an IPv4 address has exactly four numbers, and an empty part is not a number"),
    ("a.b.c.d", False, "each of the four parts must be a number"),
    ("1.2.3.-4", False, "each part runs from 0 to 255, so no minus signs"),
    # What int() forgives and an address does not: a solution that tries int(part) stumbles here.
    ("01.2.3.4", False, "a leading zero is not allowed: ipaddress refuses 01 (older programs read 010 as octal, 8)"),
    ("+1.2.3.4", False, "a sign is not a digit (int('+1') accepts it, so test the text itself)"),
    (" 1.2.3.4", False, "an address has no spaces (int(' 1') skips them, so test the text itself)"),
    # A regular expression ending in $ also matches before a final newline; re.fullmatch or \Z does not.
    (
        "1.2.3.4\n",
        False,
        "a newline is not part of an address (a pattern ending in $ lets one through; re.fullmatch does not)",
    ),
    ("1_0.2.3.4", False, "_ is not a digit (int('1_0') is 10, since Python allows _ between digits)"),
    (
        "1.2.3.²",
        False,
        "² is not one of the digits 0 to 9, although '²'.isdigit() is True (part.isascii() rules it out)",
    ),
    (
        "١.2.3.4",
        False,
        "١ is an Arabic-Indic digit, not one of 0 to 9: isdigit() and int() accept it, part.isascii() rules it out",
    ),
    ("", False, "an empty text is not an address"),
    ("::1", False, "::1 is the IPv6 loopback address, and the question is about IPv4 only"),
]


# What the learner's function looks like before they write its body. Only its bytecode is compared, which the
# annotations do not change: `-> None` because a body of `...` returns None.
def _stub(text: str) -> None: ...


def _is_stub(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    return code is not None and code.co_code == _stub.__code__.co_code and not code.co_names


def check_is_valid_ipv4(func: Any) -> Feedback:
    """Check a function that says whether a text is a valid IPv4 address, on the cases people get wrong."""
    if not_attempted(func) or (callable(func) and _is_stub(func)):
        return waiting("code that returns True or False (in the function's body)")
    if not callable(func):
        return hint(
            f"pass the function itself, without calling it: `check_is_valid_ipv4(is_valid_ipv4)`; got {func!r}."
        )
    for text, expected, reason in IPV4_CASES:
        try:
            result = func(text)
        except Exception as exc:
            return hint(
                f"is_valid_ipv4({text!r}) raised {type(exc).__name__}: {exc}. It should return {expected}, "
                f"because {reason}. A function that checks input answers instead of failing: test each part "
                "before converting it, or catch the error (ipaddress raises ValueError for anything that is "
                "not an address)."
            )
        if not isinstance(result, bool):
            return hint(f"is_valid_ipv4({text!r}) returned {result!r}; return True or False.")
        if result != expected:
            return hint(f"is_valid_ipv4({text!r}) returned {result}, but {reason}.")
    return correct(
        f"right on all {len(IPV4_CASES)} test cases, including the notes' 167.511.0.1, which is not an address."
    )


DOCUMENTATION_BLOCKS = [ipaddress.IPv4Network(block) for block in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def _block_hint(text: str) -> Feedback:
    """The hint for a block such as 192.0.2.0/24 given where one address was asked for."""
    try:
        block = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return hint(f"{text!r} is not an address: an IPv4 address is four numbers with dots, and no /.")
    if block.num_addresses == 1:
        return hint(f"{text} is one address written as a block; write just the address: {block.network_address}.")
    size = f"{text} is a block of {block.num_addresses:,} addresses, not one address"
    if isinstance(block, ipaddress.IPv4Network) and any(block.subnet_of(example) for example in DOCUMENTATION_BLOCKS):
        if block.prefixlen == 24:
            kept = ".".join(str(block.network_address).split(".")[:3])
            return hint(
                f"{size}: the /24 fixes the first 24 bits. Right block; now pick one address inside it: keep "
                f"{kept} and choose the last number, 0 to 255."
            )
        return hint(f"{size}. Right block; now pick one address inside it, such as {block.network_address + 1}.")
    return hint(
        f"{size}. Pick one address inside a block reserved for examples: 192.0.2.0/24, 198.51.100.0/24 or "
        "203.0.113.0/24."
    )


def check_example_ip(answer: Any) -> Feedback:
    """Check an IPv4 address fit to replace the notes' 167.511.0.1: valid, and reserved for examples."""
    if not_attempted(answer):
        return waiting('an address as a string, e.g. `example_ip = "1.2.3.4"`')
    if not isinstance(answer, str | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return hint(f'write the address as a string in quotes, e.g. "1.2.3.4"; got {answer!r}.')
    text = str(answer).strip()
    if "/" in text:
        return _block_hint(text)
    try:
        address = ipaddress.ip_address(text)
    except ValueError as exc:
        return hint(f"{text!r} is not a valid address ({exc}). Each of the four numbers runs from 0 to 255.")
    if address.version == 6:
        if address in ipaddress.ip_network("2001:db8::/32"):
            return hint(
                "right idea, wrong family: 2001:db8::/32 is IPv6's block for examples. The notes' example is "
                "an IPv4 address, so pick one from an IPv4 block."
            )
        return hint("that is an IPv6 address; the notes' example is IPv4: four numbers with dots.")
    if any(address in block for block in DOCUMENTATION_BLOCKS):
        return correct(
            f"{address} is valid, and it sits in a block reserved for examples, so it is never a real "
            f"server's address: \"let's say its IP is {address}\"."
        )
    if address.is_loopback:
        return hint(
            f"{address} is valid, but it is loopback: every machine's way to reach itself, not chatgpt.com. "
            "Pick one from a block reserved for examples: 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24."
        )
    if address.is_private:
        return hint(
            f"{address} is valid and private: home and office networks use that range (like the notes' "
            "192.168.1.10). For a public site's example, pick from a block reserved for examples."
        )
    return hint(
        f"{address} is valid, but it belongs to a real network on the internet. An example should use a block "
        "reserved for examples: 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24."
    )
