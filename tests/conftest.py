"""Fixtures shared by every test folder: the app, an HTTP client through it, and the repo's paths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def app():
    from app.main import create_app

    return create_app()


@pytest.fixture(scope="session")
def client(app) -> TestClient:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def model():
    """Skips, with a printed reason, where the pretrained model has not been fetched."""
    from app.pretrained.analysis import model_available

    if not model_available():
        reason = "the pretrained model folder is absent (run `attention-course fetch-model`)"
        print(f"\nSKIP: {reason}", file=sys.stderr)
        pytest.skip(reason)


@pytest.fixture
def no_model(tmp_path, monkeypatch):
    """Point the app at an empty model folder, as on a server where the model was never fetched."""
    from app.pretrained.analysis import model_available

    monkeypatch.setenv("ATTENTION_COURSE_MODEL_DIR", str(tmp_path / "empty"))
    assert not model_available()
