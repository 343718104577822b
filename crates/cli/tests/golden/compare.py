"""What the golden scripts share: the normalization of what is random in an output (key and
request ids, timestamps, unique ids, organization ids, ports) into stable placeholders, and the
comparison of a normalized output with its golden file — a unified diff on a mismatch, or,
with GATEHOUSE_BLESS=1 in the environment, the file (re)written instead."""

import difflib
import os
import re

BLESS = os.environ.get("GATEHOUSE_BLESS") == "1"

# The configuration's root keys are fixed, not random: they stay as they are.
FIXED_KEYS = {"AKIAALPHAROOTEXAMPLE", "AKIABETAROOTEXAMPLE0"}

# (pattern, placeholder): each distinct match becomes <PLACEHOLDER-n>, numbered in order of
# first appearance, so that two different ids stay different and one id stays one.
RANDOM = [
    (r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "KEY-ID"),
    (r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", "ACCESS-KEY-ID"),
    (r"\b(?:AIDA|AROA|AGPA|ANPA)[A-Z0-9]{12,}\b", "UNIQUE-ID"),
    (r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "TIME"),
    (r"\b[0-9A-F]{16}\b", "REQUEST-ID"),
    (r"\bo-[a-z0-9]{10,32}\b", "ORG-ID"),
    (r"\bou-[a-z0-9]{4,32}-[a-z0-9]{8,32}\b", "OU-ID"),
    (r"\br-[a-z0-9]{4,32}\b", "ROOT-ID"),
    (r"\bp-[a-z0-9]{8,128}\b", "POLICY-ID"),
    (r"\bh-[a-z0-9]{8,64}\b", "HANDSHAKE-ID"),
]


def normalize(text):
    """`text` with every random value replaced by a stable placeholder."""
    for pattern, name in RANDOM:
        seen = {}

        def placeholder(m, seen=seen, name=name):
            value = m.group(0)
            if value in FIXED_KEYS:
                return value
            if value not in seen:
                seen[value] = f"<{name}-{len(seen) + 1}>"
            return seen[value]

        text = re.sub(pattern, placeholder, text)
    return re.sub(r"\b(127\.0\.0\.1|localhost):\d+\b", r"\1:<PORT>", text)


class Golden:
    """The golden files of one directory: `check` each output, then `finish` (which also fails
    on a golden file that no scenario produced any more)."""

    def __init__(self, directory):
        self.directory = directory
        self.checked = set()
        self.mismatches = []
        os.makedirs(directory, exist_ok=True)

    def check(self, name, text):
        path = os.path.join(self.directory, f"{name}.txt")
        assert name not in self.checked, f"two scenarios are named {name}"
        self.checked.add(name)
        text = normalize(text)
        if BLESS:
            with open(path, "w") as f:
                f.write(text)
            return
        if not os.path.exists(path):
            self.mismatches.append(f"{path} is missing (run with GATEHOUSE_BLESS=1 to write it)")
            return
        with open(path) as f:
            expected = f.read()
        if expected != text:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (golden)",
                tofile=f"{name} (this run)",
            )
            self.mismatches.append("".join(diff))

    def finish(self):
        """Raises SystemExit with every diff when an output differs from its golden file."""
        stale = sorted(
            f for f in os.listdir(self.directory) if f.endswith(".txt") and f[:-4] not in self.checked
        )
        for f in stale:
            if BLESS:
                os.remove(os.path.join(self.directory, f))
            else:
                self.mismatches.append(f"{os.path.join(self.directory, f)} has no scenario any more")
        if self.mismatches:
            raise SystemExit(
                "the output differs from the golden files (rerun with GATEHOUSE_BLESS=1 to accept it):\n\n"
                + "\n".join(self.mismatches)
            )
