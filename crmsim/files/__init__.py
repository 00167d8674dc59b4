"""Reading and writing files: one layer each, used by every file crmsim touches.

- :mod:`crmsim.files.read`: :func:`read_text`, :func:`read_toml`,
  :func:`read_json`, :func:`read_parquet`, :func:`parquet_schema`,
  :func:`read_csv` and :class:`Shape` (a declared shape checked by
  :func:`check_shape`; :func:`check_keys` refuses an unknown key with a
  suggestion). Every failure (missing, unreadable, not UTF-8, too
  big, nested too deeply, malformed, damaged, wrong shape, a newer format)
  is a :class:`~crmsim.errors.CrmsimError` of one line naming the file, the
  problem and the fix.
- :mod:`crmsim.files.write`: :func:`atomic_write` (the only one; a unique
  temporary name in the target's folder, fsync, rename; never over a
  symbolic link, device or directory), :func:`write_json`,
  :func:`claim_output_dir` (an output folder must be new, empty or one
  crmsim made for the same kind of output) and :func:`folder_kind`.

Neither imports the engine; Parquet and pandas are imported only when used.
"""

from crmsim.files.read import (
    MAX_BYTES,
    MAX_DEPTH,
    Shape,
    check_format,
    check_keys,
    check_shape,
    parquet_schema,
    read_bytes,
    read_csv,
    read_json,
    read_parquet,
    read_parquet_frame,
    read_text,
    read_toml,
)
from crmsim.files.write import (
    BATCH_KINDS,
    UNKNOWN,
    atomic_write,
    claim_output_dir,
    folder_kind,
    make_dirs,
    os_error,
    write_bytes,
    write_json,
    write_text,
)

__all__ = [
    "BATCH_KINDS",
    "UNKNOWN",
    "MAX_BYTES",
    "MAX_DEPTH",
    "Shape",
    "atomic_write",
    "check_format",
    "check_keys",
    "check_shape",
    "claim_output_dir",
    "folder_kind",
    "make_dirs",
    "os_error",
    "parquet_schema",
    "read_bytes",
    "read_csv",
    "read_json",
    "read_parquet",
    "read_parquet_frame",
    "read_text",
    "read_toml",
    "write_bytes",
    "write_json",
    "write_text",
]
