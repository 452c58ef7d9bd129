"""The command builders: valkey::cmd::<method>(...) -> valkey::Command<R>.

For each method (a command's base method or a variant) the arguments it takes are the
spec's arguments minus what the method drops or fixes. Required ones become parameters
in spec order, optional ones members of `<method>_options`. The C++ type of an argument:

    key, string, pattern       std::string_view
    integer, unix-time         std::int64_t   (or the `args` override's std::chrono type)
    double                     double
    pure-token                 bool (optional) / nothing (always sent)
    block                      valkey::cmd::<method>_<name>, a struct of its members
    oneof                      std::variant of its branches' types
    multiple                   valkey::arg_list<element>

A oneof branch with a token becomes a global token type shared by every command that
uses the same token with the same payload: `valkey::nx` (pure token), `valkey::ex{10s}`,
`valkey::limit{0, 10}`; so `c.set("k", "v", {.condition = valkey::nx})` reads like the
command. Branches without a token, and tokens whose payload differs between commands,
get per-method wrapper types instead.
"""

from __future__ import annotations

import collections
import dataclasses
import pathlib

from ..model import Argument, Command, Method, Model
from ..names import lower_snake
from .common import HEADER, comment_text, cpp_string, row_index, write_if_changed

# `args` overrides -> (C++ parameter type, expression template turning it into the number
# that goes on the wire).
TIME_TYPES = {
    "seconds": ("std::chrono::seconds", "{}.count()"),
    "milliseconds": ("std::chrono::milliseconds", "{}.count()"),
    "seconds_double": ("std::chrono::duration<double>", "{}.count()"),
    "unix_seconds": ("std::chrono::system_clock::time_point",
                     "std::chrono::duration_cast<std::chrono::seconds>({}.time_since_epoch())"
                     ".count()"),
    "unix_milliseconds": ("std::chrono::system_clock::time_point",
                          "std::chrono::duration_cast<std::chrono::milliseconds>("
                          "{}.time_since_epoch()).count()"),
    "double": ("double", "{}"),
    "string": ("std::string_view", "{}"),
}

SCALAR_TYPES = {
    "key": "std::string_view",
    "string": "std::string_view",
    "pattern": "std::string_view",
    "integer": "std::int64_t",
    "double": "double",
    "unix-time": "std::int64_t",
}

# Names in namespace valkey a token type must not take.
RESERVED = frozenset("""
    Reply Command cmd reply resp detail decoders errc error_category make_error_code
    command_info key_spec command_flag key_flag request_policy response_policy arg_list
    make_command command_table find_command key_positions ok_t ignore test tokens
    is_protocol_error
""".split())


@dataclasses.dataclass
class TokenType:
    """A global token type in namespace valkey."""

    name: str
    token: str
    members: tuple[tuple[str, str], ...]  # (C++ member, C++ type); empty: a pure token

    @property
    def is_tag(self) -> bool:
        return not self.members

    @property
    def cpp(self) -> str:
        return f"valkey::{self.name}_t" if self.is_tag else f"valkey::{self.name}"


def _is_scalar(arg: Argument) -> bool:
    return arg.type in SCALAR_TYPES


def _scalar_cpp(arg: Argument) -> str:
    if arg.arg_type:
        return TIME_TYPES[arg.arg_type][0]
    return SCALAR_TYPES[arg.type]


def _wire_expr(arg: Argument, expr: str) -> str:
    return TIME_TYPES[arg.arg_type][1].format(expr) if arg.arg_type else expr


def _token_name(branch: Argument) -> str:
    """The token's own name when it is a word (NX -> nx), else the branch's ("*" ->
    auto_id, "~" -> approximately)."""
    word = lower_snake(branch.token)
    return word if word.strip("_") and branch.token.replace("-", "_").isidentifier() \
        else branch.cpp_name


def _token_signature(branch: Argument):
    """What must be equal for two branches to share one global token type, or None when
    the branch cannot have one."""
    if branch.token is None or branch.multiple:
        return None
    if branch.type == "pure-token":
        return (branch.token, (), _token_name(branch))
    if _is_scalar(branch):
        return (branch.token, (("value", _scalar_cpp(branch)),), _token_name(branch))
    if branch.type == "block" and all(_is_scalar(c) and not c.optional and not c.multiple
                                      for c in branch.children):
        members = tuple((c.cpp_name, _scalar_cpp(c)) for c in branch.children)
        return (branch.token, members, _token_name(branch))
    return None


def collect_tokens(model: Model) -> dict[tuple, TokenType]:
    """Global token types by signature. When one name has several signatures, the one
    used most keeps the name and the others get per-method types."""
    uses: collections.Counter = collections.Counter()
    for command in model.callable_commands:
        for arg in command.walk():
            if arg.type == "oneof":
                for branch in arg.children:
                    signature = _token_signature(branch)
                    if signature is not None:
                        uses[signature] += 1
    by_name: dict[str, list[tuple]] = collections.defaultdict(list)
    for signature in uses:
        by_name[signature[2]].append(signature)
    types = {}
    for name, signatures in sorted(by_name.items()):
        if name in RESERVED:
            continue
        best = min(signatures, key=lambda s: (-uses[s], repr(s)))
        types[best] = TokenType(name, best[0], best[1])
    return types


class MethodWriter:
    """The declarations and the definition of one method."""

    def __init__(self, command: Command, method: Method, tokens: dict, taken: set[str],
                 shared: dict):
        self.command = command
        self.method = method
        self.tokens = tokens
        self.taken = taken          # names in valkey::cmd already used
        self.types: list[str] = []  # type definitions this method adds, dependencies first
        # Types of arguments the method takes as the spec has them are shared by all the
        # command's methods (set and set_get share set_expiration): (path, scope) -> C++.
        self.shared = shared
        self._element_types: dict = {}

    def pristine(self, arg: Argument) -> bool:
        """True when nothing in `arg`'s subtree is fixed, required or dropped here."""
        touched = [p for p, _ in self.method.fixed] + list(self.method.required) + \
            list(self.method.dropped)
        return not any(p == arg.path or p.startswith(arg.path + ".") for p in touched)

    # --- which arguments the method takes, and how --------------------------------------

    def active(self, arg: Argument) -> bool:
        return not self.method.is_dropped(arg.path)

    def required_branch(self, arg: Argument) -> Argument | None:
        return next((c for c in arg.children if self.method.is_required(c.path)), None)

    def fixed_branch(self, arg: Argument) -> Argument | None:
        """The branch a method fixes for a oneof: named on the oneof, or a fixed pure
        token among its branches (ACL LOG's `operation.reset` decides `operation`)."""
        if arg.type != "oneof":
            return None
        value = self.method.fixed_value(arg.path)
        if isinstance(value, str):
            return next(c for c in arg.children if c.name == value)
        return next((c for c in arg.children if self.method.fixed_value(c.path) is True),
                    None)

    def sole_branch(self, arg: Argument) -> Argument | None:
        """The branch a oneof is reduced to: the one a method requires, or the only one
        it leaves (CLIENT KILL without the old ip:port form). The oneof then takes that
        branch's own type, with no one-alternative std::variant around it."""
        required = self.required_branch(arg)
        if required is not None or arg.type != "oneof":
            return required
        live = [c for c in arg.children if self.active(c)]
        return live[0] if len(live) == 1 else None

    def is_fixed(self, arg: Argument) -> bool:
        """Fixed by the method, or a required choice with one pure token left (the base
        CLIENT REPLY, whose OFF and SKIP are variants, always sends ON)."""
        if self.method.fixed_value(arg.path) is not None or self.fixed_branch(arg):
            return True
        sole = self.sole_branch(arg) if arg.type == "oneof" else None
        return sole is not None and sole.type == "pure-token" and not self.is_optional(arg)

    def is_optional(self, arg: Argument) -> bool:
        if self.method.is_required(arg.path) or (arg.type == "oneof" and
                                                 self.required_branch(arg)):
            return False
        return arg.optional

    def has_value(self, arg: Argument) -> bool:
        """False for what is always sent as it is: fixed arguments, required pure tokens."""
        if self.is_fixed(arg):
            return False
        return not (arg.type == "pure-token" and not self.is_optional(arg))

    # --- C++ types ----------------------------------------------------------------------

    def type_name(self, arg: Argument, *parts: str) -> str:
        """A new name in valkey::cmd for a type of `arg`: after the command when the
        type is shared by its methods, after the method otherwise."""
        owner = self.command.method if self.pristine(arg) else self.method.name
        name = "_".join((owner,) + parts)
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        return name

    def element_type(self, arg: Argument, scope: tuple[str, ...]) -> str:
        """The C++ type of one value of `arg` (not optional, not repeated); the types it
        needs are defined once, on first use."""
        key = (arg.path, scope)
        cache = self.shared if self.pristine(arg) else self._element_types
        if key not in cache:
            cache[key] = self._element_type(arg, scope)
        return cache[key]

    def _element_type(self, arg: Argument, scope: tuple[str, ...]) -> str:
        if _is_scalar(arg):
            return _scalar_cpp(arg)
        if arg.type == "pure-token":
            return "bool"
        if arg.type == "block":
            return "valkey::cmd::" + self.block_struct(arg, scope)
        branch = self.sole_branch(arg)
        if branch is not None:
            return self.full_type(branch, scope + (arg.cpp_name,))
        branches = [self.branch_type(c, scope + (arg.cpp_name,))
                    for c in arg.children if self.active(c)]
        return f"std::variant<{', '.join(branches)}>"

    def full_type(self, arg: Argument, scope: tuple[str, ...]) -> str:
        element = self.element_type(arg, scope)
        return f"valkey::arg_list<{element}>" if arg.multiple else element

    def member_type(self, arg: Argument, scope: tuple[str, ...]) -> str:
        full = self.full_type(arg, scope)
        if not self.is_optional(arg) or arg.multiple:
            return full
        return "bool" if arg.type == "pure-token" else f"std::optional<{full}>"

    def branch_type(self, branch: Argument, scope: tuple[str, ...]) -> str:
        token = self.tokens.get(_token_signature(branch))
        if token is not None:
            return token.cpp
        if branch.type == "block" and not branch.multiple:
            return "valkey::cmd::" + self.block_struct(branch, scope)
        key = ("branch", branch.path, scope)
        cache = self.shared if self.pristine(branch) else self._element_types
        if key in cache:
            return cache[key]
        name = self.type_name(branch, *scope, branch.cpp_name)
        cache[key] = "valkey::cmd::" + name
        if branch.type == "pure-token":
            self.types.append(f"struct {name} {{}};\n")
        else:
            value = self.full_type(branch, scope + (branch.cpp_name,))
            self.types.append(f"struct {name} {{\n  {value} value{{}};\n}};\n")
        return "valkey::cmd::" + name

    def branch_wraps_value(self, branch: Argument) -> bool:
        """Whether a branch's type holds its value in a `value` member (wrappers and
        valued scalar tokens) rather than being the value (blocks, pure tokens)."""
        if branch.type == "pure-token":
            return False
        if branch.type == "block" and not branch.multiple:
            return False
        return True

    def block_struct(self, arg: Argument, scope: tuple[str, ...]) -> str:
        key = ("block", arg.path, scope)
        cache = self.shared if self.pristine(arg) else self._element_types
        if key in cache:
            return cache[key]
        name = self.type_name(arg, *scope, arg.cpp_name)
        cache[key] = name
        members = [f"  {self.member_type(c, scope + (arg.cpp_name,))} {c.cpp_name}{{}};"
                   for c in arg.children if self.active(c) and self.has_value(c)]
        self.types.append(f"struct {name} {{\n" + "\n".join(members) + "\n};\n")
        return name

    # --- encoding -----------------------------------------------------------------------

    def write_value(self, arg: Argument, expr: str, out: list[str], depth: int) -> None:
        """Writes one value of `arg` held in `expr`, without the arg's own token."""
        pad = "  " * depth
        if _is_scalar(arg):
            out.append(f"{pad}w.arg({_wire_expr(arg, expr)});")
        elif arg.type == "block":
            for child in arg.children:
                if self.active(child):
                    self.write_member(child, f"{expr}.{child.cpp_name}", out, depth)
        elif arg.type == "oneof":
            branch = self.fixed_branch(arg) or self.sole_branch(arg)
            if branch is not None:
                self.write_argument(branch, expr, out, depth)
                return
            out.append(f"{pad}switch ({expr}.index()) {{")
            live = [c for c in arg.children if self.active(c)]
            for i, child in enumerate(live):
                out.append(f"{pad}  case {i}: {{")
                value = f"std::get<{i}>({expr})"
                if self.branch_wraps_value(child):
                    value += ".value"
                self.write_argument(child, value, out, depth + 2)
                out.append(f"{pad}    break;")
                out.append(f"{pad}  }}")
            out.append(f"{pad}}}")

    def write_argument(self, arg: Argument, expr: str, out: list[str], depth: int) -> None:
        """Writes `arg` (token and value, every element when repeated) from `expr`."""
        pad = "  " * depth
        token = f"{pad}w.arg({cpp_string(arg.token)});" if arg.token is not None else None
        if arg.type == "pure-token":
            out.append(token)
            return
        if not arg.multiple:
            if token:
                out.append(token)
            self.write_value(arg, expr, out, depth)
            return
        if token and not arg.multiple_token:
            out.append(token)
        out.append(f"{pad}for (std::size_t i{depth} = 0; i{depth} < {expr}.size(); ++i{depth}) {{")
        if token and arg.multiple_token:
            out.append("  " + token)
        self.write_value(arg, f"{expr}[i{depth}]", out, depth + 1)
        out.append(f"{pad}}}")

    def write_member(self, arg: Argument, expr: str, out: list[str], depth: int) -> None:
        """Writes an argument held in a parameter or member, minding optionality."""
        pad = "  " * depth
        if not self.has_value(arg) or not self.is_optional(arg):
            self.write_argument(arg, expr, out, depth)
        elif arg.type == "pure-token":
            out.append(f"{pad}if ({expr}) w.arg({cpp_string(arg.token)});")
        elif arg.multiple:
            out.append(f"{pad}if (!{expr}.empty()) {{")
            self.write_argument(arg, expr, out, depth + 1)
            out.append(f"{pad}}}")
        else:
            out.append(f"{pad}if ({expr}) {{")
            self.write_argument(arg, f"(*{expr})", out, depth + 1)
            out.append(f"{pad}}}")

    # --- the method -------------------------------------------------------------------

    def reply_types(self) -> tuple[str, str]:
        reply = self.method.reply.cpp()
        if self.command.decoder and not self.method.is_variant:
            return reply, f"valkey::decoders::{self.command.decoder}<{reply}>"
        return reply, ""

    def spliced(self, arg: Argument) -> bool:
        """A block the method always sends once (HRANDFIELD's `options` with COUNT
        required) lends its members to the method: hrandfield_count(key, 5) rather than
        hrandfield_count(key, {.count = 5}). Not when a member's name is taken."""
        if arg.type != "block" or arg.multiple or self.is_optional(arg) or \
                not self.active(arg):
            return False
        outer = {a.cpp_name for a in self.command.arguments if a is not arg}
        return not any(c.cpp_name in outer | {"options"} for c in arg.children)

    def level(self) -> list[tuple[Argument, tuple[str, ...]]]:
        """The method's own arguments, spliced blocks opened: (argument, type scope)."""
        out = []
        for arg in self.command.arguments:
            if self.spliced(arg):
                out += [(c, (arg.cpp_name,)) for c in arg.children]
            else:
                out.append((arg, ()))
        return out

    def render(self, row: int) -> tuple[str, str]:
        """(declarations for the header, definition for the source)."""
        command, method = self.command, self.method
        params, members = [], []
        for arg, scope in self.level():
            if not (self.active(arg) and self.has_value(arg)):
                continue
            if self.is_optional(arg):
                members.append(f"  {self.member_type(arg, scope)} {arg.cpp_name}{{}};")
            else:
                params.append((self.full_type(arg, scope), arg.cpp_name))
        options = None
        if members:
            options = "_".join((method.name, "options"))
            while options in self.taken:
                options += "_"
            self.taken.add(options)
            self.types.append(f"struct {options} {{\n" + "\n".join(members) + "\n};\n")
        signature = [f"{t} {n}" for t, n in params]
        if options:
            signature.append(f"const {options}& options")
        self.parameters = [(t, n) for t, n in params] + \
            ([(f"const valkey::cmd::{options}&", "options")] if options else [])
        self.has_options = options is not None
        reply, adapter = self.reply_types()
        result = f"valkey::Command<{reply}{', ' + adapter if adapter else ''}>"
        self.doc_text = self.doc()
        decl = "".join(self.types) + self.doc_text + \
            f"{result} {method.name}({', '.join(signature)}{' = {}' if options else ''});\n"

        body = ["  valkey::detail::command_writer w;"]
        body += [f"  w.arg({cpp_string(word)});" for word in command.words]
        for arg in command.arguments:
            if not self.active(arg):
                continue
            if not self.spliced(arg):
                self.write_member(arg, self.parameter_expr(arg), body, 1)
                continue
            if arg.token is not None:
                body.append(f"  w.arg({cpp_string(arg.token)});")
            for child in arg.children:
                if self.active(child):
                    self.write_member(child, self.parameter_expr(child), body, 1)
        template = f"{reply}{', ' + adapter if adapter else ''}"
        body.append(f"  return w.finish<{template}>(&valkey::detail::command_rows[{row}]);")
        definition = f"{result} {method.name}({', '.join(signature)}) {{\n" + \
            "\n".join(body) + "\n}\n"
        return decl, definition

    def parameter_expr(self, arg: Argument) -> str:
        """Where the method's body finds an argument of its own level."""
        if self.is_optional(arg) and self.has_value(arg):
            return f"options.{arg.cpp_name}"
        return arg.cpp_name

    def doc(self) -> str:
        command = self.command
        lines = [f"/// {command.name}: {comment_text(command.summary)}"]
        facts = []
        if command.complexity:
            facts.append(f"Complexity: {comment_text(command.complexity).rstrip('.')}.")
        if command.since:
            facts.append(f"Since {command.since}.")
        if facts:
            lines.append("/// " + " ".join(facts))
        if self.method.is_variant:
            lines.append(f"/// Variant of {command.method}() whose reply is "
                         f"{self.method.reply}.")
        if self.method.reason:
            lines.append(f"/// The reply is untyped: {comment_text(self.method.reason)}")
        return "\n".join(lines) + "\n" + self.deprecation()

    def deprecation(self) -> str:
        """The [[deprecated]] line of a deprecated command's methods, or ""."""
        command = self.command
        if not command.deprecated:
            return ""
        note = f"deprecated since {command.deprecated_since}" if command.deprecated_since \
            else "deprecated"
        if command.replaced_by:
            note += f"; use {comment_text(command.replaced_by)}"
        return f"[[deprecated({cpp_string(note)})]]\n"


def render_tokens(tokens: dict[tuple, TokenType]) -> str:
    out = [HEADER, "#pragma once\n\n#include <chrono>\n#include <cstdint>\n"
           "#include <string_view>\n\n",
           "// The tokens of the commands' choices (oneof arguments), shared by every\n"
           "// command that spells them alike: {.condition = valkey::nx},\n"
           "// {.expiration = valkey::ex{10s}}.\n",
           "namespace valkey {\ninline namespace tokens {\n\n"]
    for token in sorted(tokens.values(), key=lambda t: t.name):
        if token.is_tag:
            out.append(f"/// {token.token}\nstruct {token.name}_t {{}};\n"
                       f"inline constexpr {token.name}_t {token.name}{{}};\n\n")
        else:
            members = "".join(f"  {t} {n}{{}};\n" for n, t in token.members)
            out.append(f"/// {token.token} {' '.join(n for n, _ in token.members)}\n"
                       f"struct {token.name} {{\n{members}}};\n\n")
    out.append("}  // namespace tokens\n}  // namespace valkey\n")
    return "".join(out)


HEADER_INCLUDES = """#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "valkey/command.hpp"
#include "valkey/replies.hpp"
#include "valkey/tokens.hpp"
"""


def emit_builders(model: Model, out_dir: pathlib.Path) -> list[pathlib.Path]:
    tokens = collect_tokens(model)
    rows = row_index(model)
    taken = {m.name for c in model.callable_commands for m in c.methods}
    written = [out_dir / "include" / "valkey" / "tokens.hpp"]
    write_if_changed(written[0], render_tokens(tokens))
    groups = model.groups()
    all_writers = []
    for group, commands in groups.items():
        decls, defs = [], []
        uses_decoders = False
        for command in commands:
            shared: dict = {}
            for method in command.methods:
                writer = MethodWriter(command, method, tokens, taken, shared)
                decl, definition = writer.render(rows[command.name])
                decls.append(decl)
                defs.append(definition)
                uses_decoders |= bool(writer.reply_types()[1])
                all_writers.append(writer)
        header = out_dir / "include" / "valkey" / "commands" / f"{group}.hpp"
        includes = HEADER_INCLUDES + ('#include "valkey/decoders.hpp"\n' if uses_decoders
                                      else "")
        write_if_changed(header, HEADER + f"// Commands of the {group} group.\n" + includes +
                         "\nnamespace valkey::cmd {\n\n" + "\n".join(decls) +
                         "\n}  // namespace valkey::cmd\n")
        source = out_dir / "src" / "commands" / f"{group}.cpp"
        write_if_changed(source, HEADER + f'#include "valkey/commands/{group}.hpp"\n\n'
                         '#include "valkey/detail/command_rows.hpp"\n\n'
                         "namespace valkey::cmd {\n\n" + "\n".join(defs) +
                         "\n}  // namespace valkey::cmd\n")
        written += [header, source]
    umbrella = out_dir / "include" / "valkey" / "commands.hpp"
    write_if_changed(umbrella, HEADER + "// Every command builder: valkey::cmd::<method>().\n"
                     "#pragma once\n\n" +
                     "".join(f'#include "valkey/commands/{g}.hpp"\n' for g in groups))
    written.append(umbrella)
    mixins = out_dir / "include" / "valkey" / "detail" / "command_methods.hpp"
    write_if_changed(mixins, render_methods(all_writers))
    written.append(mixins)
    return written


def render_methods(writers: list[MethodWriter]) -> str:
    """The front ends' command methods, one thin wrapper per builder, so no front end
    declares a command by hand: Derived::execute(Command) runs it (sync), and
    Derived::async_execute(Command, token) starts it (async, any Asio completion token)."""
    sync, asynchronous = [], []
    for w in sorted(writers, key=lambda w: w.method.name):
        params = ", ".join(f"{t} {n}" for t, n in w.parameters)
        args = ", ".join(n for _, n in w.parameters)
        name = w.method.name
        deprecated = w.deprecation()
        comment = w.doc_text[:len(w.doc_text) - len(deprecated)].replace("\n///", "\n  ///")
        attribute = f"  {deprecated}" if deprecated else ""
        call = f"valkey::cmd::{name}({args})"
        default = " = {}" if w.has_options else ""
        sync.append(f"  {comment}{attribute}  auto {name}({params}{default}) {{\n"
                    f"    return self().execute({call});\n  }}\n")
        # The attribute follows the template head, on every overload.
        token_params = (params + ", " if params else "") + "CompletionToken&& token"
        asynchronous.append(
            f"  {comment}  template <class CompletionToken>\n{attribute}"
            f"  auto {name}({token_params}) {{\n"
            f"    return self().async_execute({call}, "
            f"std::forward<CompletionToken>(token));\n  }}\n")
        if w.has_options:  # the options may be left out before the token too
            short = ", ".join(f"{t} {n}" for t, n in w.parameters[:-1])
            short_args = ", ".join([n for _, n in w.parameters[:-1]] + ["{}"])
            asynchronous.append(
                f"  template <class CompletionToken>\n{attribute}"
                f"  auto {name}({(short + ', ') if short else ''}CompletionToken&& token) {{\n"
                f"    return self().async_execute(valkey::cmd::{name}({short_args}), "
                f"std::forward<CompletionToken>(token));\n  }}\n")

    def mixin(kind: str, body: list[str]) -> str:
        return (f"template <class Derived>\nclass {kind}_command_methods {{\n public:\n" +
                "\n".join(body) +
                "\n private:\n  Derived& self() { return static_cast<Derived&>(*this); }\n"
                "};\n")

    return (HEADER + "// The command methods every front end inherits (CRTP).\n"
            "#pragma once\n\n#include <utility>\n\n#include \"valkey/commands.hpp\"\n\n"
            "// Deprecated commands stay callable; their methods carry the attribute.\n"
            "#pragma GCC diagnostic push\n"
            "#pragma GCC diagnostic ignored \"-Wdeprecated-declarations\"\n\n"
            "namespace valkey::detail {\n\n" + mixin("sync", sync) + "\n" +
            mixin("async", asynchronous) +
            "\n}  // namespace valkey::detail\n\n#pragma GCC diagnostic pop\n")
