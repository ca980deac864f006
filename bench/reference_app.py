"""The reference for bench/bench_http.py: the smallest FastAPI app, one async endpoint returning {"status": "ok"}.

It runs under the same uvicorn settings as the real app, in the same benchmark run, so the attention endpoint's
throughput is reported as a ratio to what this machine's FastAPI + uvicorn can serve at all.
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root() -> dict[str, str]:
    return {"status": "ok"}
