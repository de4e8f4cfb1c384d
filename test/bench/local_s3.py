"""A stand-in for boto3's S3 client over local folders: the calls the guidance scripts make, nothing more.

Buckets are folders; an object key is a path under its bucket's folder. Missing objects raise botocore's
own ClientError, as the scripts expect.
"""

from __future__ import annotations

import io
from pathlib import Path

from botocore.exceptions import ClientError


class LocalS3:
    def __init__(self, buckets: dict[str, Path]):
        self.buckets = {name: Path(folder) for name, folder in buckets.items()}

    def _path(self, bucket: str, key: str) -> Path:
        if bucket not in self.buckets:
            raise ClientError({"Error": {"Code": "NoSuchBucket", "Message": bucket}}, "LocalS3")
        return self.buckets[bucket] / key

    def _object(self, bucket: str, key: str, operation: str) -> Path:
        path = self._path(bucket, key)
        if not path.is_file():
            raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, operation)
        return path

    def list_objects_v2(self, Bucket: str, Prefix: str = "", **_) -> dict:  # noqa: N803 (boto3's names)
        root = self._path(Bucket, "")
        start = root / Prefix.rsplit("/", 1)[0] if "/" in Prefix else root
        keys = sorted(
            p.relative_to(root).as_posix() for p in start.rglob("*") if p.is_file() and not p.name.endswith(".crc")
        )
        contents = [{"Key": k, "Size": (root / k).stat().st_size} for k in keys if k.startswith(Prefix)]
        return {"Contents": contents, "KeyCount": len(contents)} if contents else {"KeyCount": 0}

    def get_object(self, Bucket: str, Key: str, **_) -> dict:  # noqa: N803
        data = self._object(Bucket, Key, "GetObject").read_bytes()
        return {"Body": io.BytesIO(data), "ContentLength": len(data)}

    def head_object(self, Bucket: str, Key: str, **_) -> dict:  # noqa: N803
        return {"ContentLength": self._object(Bucket, Key, "HeadObject").stat().st_size}

    def put_object(self, Bucket: str, Key: str, Body: bytes | str = b"", **_) -> dict:  # noqa: N803
        path = self._path(Bucket, Key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Body.encode("utf-8") if isinstance(Body, str) else Body)
        return {}
