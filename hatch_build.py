"""Build hook: compile the shipped data into the wheel, so that a first run opens it instead of
building (``heroinfacts.cache.open_prebuilt``; docs/performance.md, "First run").

The compiler is the package's own (``src/heroinfacts``), run from this source tree with the
build's PyYAML. Editable installs read the data from the repository and build a cache as before.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrebuiltKnowledgeBase(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, os.path.join(self.root, "src"))
        try:
            from heroinfacts.cache import PREBUILT_NAME, write_prebuilt
        finally:
            sys.path.pop(0)
        self._tmp = tempfile.TemporaryDirectory(prefix="heroinfacts-build-")
        out = os.path.join(self._tmp.name, PREBUILT_NAME)
        write_prebuilt(os.path.join(self.root, "data", "facts.yaml"), out)
        build_data["force_include"][out] = f"heroinfacts/data/{PREBUILT_NAME}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
