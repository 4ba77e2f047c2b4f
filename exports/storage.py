"""Where snapshot zips are kept: a Django file storage chosen by settings, write-once.

`STORAGES["exports"]` (any Django storage backend, e.g. an object store with retention locks) is
used when the settings define it; otherwise the local folder `settings.EXPORT_ROOT`, through
`SnapshotFileStorage`. A snapshot file is saved once under its own name and never replaced,
renamed or deleted: the storage refuses all three.
"""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

STORAGE_ALIAS = "exports"
READ_ONLY = 0o444


class SnapshotFileStorage(FileSystemStorage):
    """A local folder where files are created exclusively, made read-only and never deleted."""

    def __init__(self, location=None, **kwargs) -> None:
        kwargs.setdefault("file_permissions_mode", READ_ONLY)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(location=location or settings.EXPORT_ROOT, **kwargs)

    def get_available_name(self, name, max_length=None) -> str:
        # Django's default picks another name when one is taken; a snapshot's name is its identity.
        if self.exists(name):
            raise FileExistsError(f"{name} exists already; snapshot files are never overwritten.")
        return super().get_available_name(name, max_length=max_length)

    def delete(self, name) -> None:
        raise PermissionError(f"{name}: snapshot files are never deleted.")


def snapshot_storage() -> Storage:
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return SnapshotFileStorage()


class _LocalFile(File):
    """A finished local file: FileSystemStorage moves it into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return self.file.name


def store_file(local_path: Path, name: str) -> str:
    """Save a finished local file under `name` (refused if the name exists); return the stored name."""
    storage = snapshot_storage()
    if storage.exists(name):
        raise FileExistsError(f"{name} exists already; snapshot files are never overwritten.")
    with open(local_path, "rb") as fh:
        return storage.save(name, _LocalFile(fh, name=name))
