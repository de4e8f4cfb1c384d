"""Reads and writes small objects (manifests, reports) through Hadoop's file systems, so s3:// on EMR
and file:// locally share one path."""

from __future__ import annotations

from pathlib import Path


def to_uri(location: str) -> str:
    """A URI for a location given either as a URI or as a local path."""
    if "://" in location or location.startswith("file:"):
        return location.rstrip("/")
    return Path(location).resolve().as_uri()


class Storage:
    def __init__(self, spark) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _path(self, uri: str):
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def exists(self, uri: str) -> bool:
        path = self._path(uri)
        return bool(path.getFileSystem(self._conf).exists(path))

    def read_bytes(self, uri: str) -> bytes:
        path = self._path(uri)
        stream = path.getFileSystem(self._conf).open(path)
        try:
            return bytes(self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()

    def write_bytes(self, uri: str, content: bytes) -> None:
        path = self._path(uri)
        stream = path.getFileSystem(self._conf).create(path, True)  # overwrite
        try:
            stream.write(bytearray(content))
        finally:
            stream.close()
