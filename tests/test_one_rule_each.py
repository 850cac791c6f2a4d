"""One home for each rule: a message a service raises as ``DomainError`` is not
written out again in a form of the same app.

Services own the rules and their words; a form that needs the same message to
parse a field imports it from the service module (a constant or a small
function), so the two can never drift apart. This test reads the source with
``ast``: it collects the literal messages of every ``DomainError(...)`` in an
app's services (and the module-level string constants those use) and fails if
any of them is written literally in that app's forms.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["residents", "visits", "volunteers", "community", "homes", "notifications"]

# (app, message): a form may write this message itself, with the reason.
ALLOWED = {}


def _modules(app, kind):
    package = ROOT / app / kind
    if package.is_dir():
        return sorted(package.glob("*.py"))
    single = ROOT / app / f"{kind}.py"
    return [single] if single.exists() else []


def _text(node):
    """The fixed words of a string literal or f-string (placeholders as {})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _service_messages(app):
    messages = {}
    for path in _modules(app, "services"):
        tree = ast.parse(path.read_text(), filename=str(path))
        constants = {}
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                text = _text(node.value)
                if text is not None:
                    constants[node.targets[0].id] = text
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DomainError"):
                continue
            if not node.args:
                continue
            first = node.args[0]
            text = constants.get(first.id) if isinstance(first, ast.Name) else _text(first)
            if text and "{}" != text.strip():
                messages.setdefault(text, f"{path.relative_to(ROOT)}:{node.lineno}")
    return messages


def _form_literals(app):
    for path in _modules(app, "forms"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            text = _text(node)
            if text:
                yield text, f"{path.relative_to(ROOT)}:{node.lineno}"


@pytest.mark.parametrize("app", APPS)
def test_no_service_message_is_written_again_in_a_form(app):
    messages = _service_messages(app)
    assert messages, f"no DomainError messages found in {app}'s services: is the scan still right?"
    repeated = [
        f"{where}: {text!r} (raised at {messages[text]})"
        for text, where in _form_literals(app)
        if text in messages and (app, text) not in ALLOWED
    ]
    assert not repeated, (
        "These messages are owned by a service; import them from the service module "
        "(or drop the form's copy of the rule):\n" + "\n".join(repeated)
    )


def test_the_scan_finds_a_copied_message(tmp_path):
    """The scan itself works: a form repeating a service's words is caught."""
    tree = ast.parse('raise DomainError(f"Choose how it went for {who}.", field="x")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    form = ast.parse('error = f"Choose how it went for {name}."')
    literal = next(n for n in ast.walk(form) if isinstance(n, ast.JoinedStr))
    assert _text(call.args[0]) == _text(literal)
