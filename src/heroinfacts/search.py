from __future__ import annotations

import sqlite3
from typing import Any


def build_index(conn: sqlite3.Connection, compiled: Any) -> None:  # temporary
    pass
