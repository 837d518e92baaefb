"""The data files a reader downloads: the datasets of ``data/datapackage.json``, each one's path
(checked before it lands in a link or a copy), and the source registry.

Read by the Data and sources page (``appendix``) and the "download all data" zip (``bundle``).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from analysis.datapackage import SOURCES_RESOURCE, read_descriptor, read_rows

from ..errors import DataError

DATASETS_DIR = "datasets"  # the folder of the staged site that holds the downloads
SAFE_PATH = re.compile(r"[A-Za-z0-9_.\-/]+")


def read_sources(data_dir: Path, package: dict | None = None) -> list[dict[str, str]]:
    package = package or read_descriptor(data_dir)
    resource = next((r for r in package["resources"] if r.get("name") == SOURCES_RESOURCE), None)
    return read_rows(data_dir / (resource["path"] if resource else "sources.csv"))


def datasets(package: dict) -> list[dict]:
    """The resources a reader downloads, in descriptor order (the registry has its own section)."""
    return [r for r in package["resources"] if r.get("name") != SOURCES_RESOURCE]


def checked_path(resource: dict) -> str:
    """The resource path, refused unless it is a plain relative file name (it lands in a link and a copy)."""
    path = resource.get("path", "")
    if not SAFE_PATH.fullmatch(path) or ".." in PurePosixPath(path).parts or path.startswith("/"):
        raise DataError(f'datapackage.json, resource "{resource.get("name")}": path "{path}" must be a plain'
                        " relative file name (letters, digits, _ . - /)")
    return path
