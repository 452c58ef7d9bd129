"""C++ names from spec names: lower_snake_case, never a keyword or a common macro."""

from __future__ import annotations

import re

CPP_KEYWORDS = frozenset("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast
    else enum explicit export extern false float for friend goto if inline int long
    mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected
    public register reinterpret_cast requires return short signed sizeof static
    static_assert static_cast struct switch template this thread_local throw true try
    typedef typeid typename union unsigned using virtual void volatile wchar_t while xor
    xor_eq
""".split())

# Lowercase names that system headers define as macros (glibc's major/minor, GNU mode's
# unix/linux): a member with such a name breaks in some translation units only.
MACRO_NAMES = frozenset("assert errno major minor unix linux stdin stdout stderr".split())

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def lower_snake(name: str) -> str:
    """'unix-time-seconds' -> 'unix_time_seconds', 'JSON.GET' -> 'json_get',
    'FT._LIST' -> 'ft_list', 'and' -> 'and_'."""
    snake = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "_"
    if snake[0].isdigit():
        snake = "_" + snake
    return safe_identifier(snake)


def safe_identifier(name: str) -> str:
    """A keyword or macro name gets a trailing underscore, as in `and_`."""
    return name + "_" if name in CPP_KEYWORDS or name in MACRO_NAMES else name


def is_lower_snake(name: str) -> bool:
    """A name an override may give as-is: lower_snake_case and no keyword."""
    return bool(IDENTIFIER.fullmatch(name)) and safe_identifier(name) == name \
        and "__" not in name and not name.startswith("_")
