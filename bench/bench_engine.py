"""Time the NumPy engine against torch.nn.MultiheadAttention (if torch is importable), float32 self-attention.

Run:  PYTHONPATH=/work/main /work/refenv/bin/python bench/bench_engine.py [--output bench/RESULTS-engine.md]

Each thread setting runs in its own subprocess so the thread env vars (OMP/OPENBLAS/MKL_NUM_THREADS) are set
before NumPy/torch load their BLAS. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the subprocess
env (pass --keep-openblas-env to keep them); the OpenBLAS kernel actually used is reported.

torch is timed twice: need_weights=True, average_attn_weights=False (returns per-head weights, the same work
as the engine, which always materialises every intermediate) and need_weights=False (torch may use its fused
fast path / SDPA and skips materialising the weights). Ratios are engine time / torch time (< 1: engine faster).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time

CONFIGS = [(8, 512, 8), (32, 512, 8), (128, 512, 8), (512, 512, 8), (12, 64, 4)]  # (T, d_model, h)
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _best_time(fn, min_total: float = 0.1, repeats: int = 5) -> float:
    """Best-of-`repeats` mean seconds per call, each repeat running about min_total / repeats seconds."""
    for _ in range(3):
        fn()  # warm up
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    n = max(1, int(min_total / repeats / one))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def _interleaved(fns: dict, rounds: int = 5) -> dict:
    """Time each callable in turn, `rounds` times over, keeping each one's best: background load hits all."""
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            best[name] = min(best[name], _best_time(fn))
    return best


def _openblas_info() -> str:
    try:
        import numpy as np

        libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
        for name in sorted(os.listdir(libdir)):
            if "openblas" in name:
                lib = ctypes.CDLL(os.path.join(libdir, name))
                for prefix, suffix in (("scipy_", "64_"), ("", "64_"), ("", "")):
                    core = getattr(lib, f"{prefix}openblas_get_corename{suffix}", None)
                    if core is not None:
                        core.restype = ctypes.c_char_p
                        threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")
                        return f"OpenBLAS core={core().decode()} threads={threads()}"
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        return f"unknown ({exc})"
    return "unknown (no OpenBLAS found in numpy.libs)"


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def worker(threads: str) -> dict:
    import numpy as np

    from app.engine import init_params, multi_head_attention

    try:
        import torch
    except ImportError:
        torch = None
    info = {"numpy": np.__version__, "blas": _openblas_info()}
    if torch is not None:
        if threads == "1":
            torch.set_num_threads(1)
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    rows = []
    for T, d, h in CONFIGS:
        params = init_params(d, seed=0, dtype=np.float32, bias=True)
        rng = np.random.default_rng(1)
        x = rng.standard_normal((T, d)).astype(np.float32)
        row = {"T": T, "d_model": d, "h": h}
        fns = {"engine": lambda: multi_head_attention(x, None, params, h)}
        if torch is not None:
            mha = torch.nn.MultiheadAttention(d, h, bias=True, batch_first=True).eval()
            with torch.no_grad():
                mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate([params.w_q, params.w_k, params.w_v], 1).T))
                mha.in_proj_bias.copy_(torch.from_numpy(np.concatenate([params.b_q, params.b_k, params.b_v])))
                mha.out_proj.weight.copy_(torch.from_numpy(params.w_o.T))
                mha.out_proj.bias.copy_(torch.from_numpy(params.b_o))
            xt = torch.from_numpy(x)

            def torch_weights():
                with torch.inference_mode():
                    return mha(xt, xt, xt, need_weights=True, average_attn_weights=False)

            def torch_noweights():
                with torch.inference_mode():
                    return mha(xt, xt, xt, need_weights=False)

            ref, ours = torch_weights(), multi_head_attention(x, None, params, h)
            row["max_abs_diff"] = max(float(np.abs(ref[0].numpy() - ours.output).max()),
                                      float(np.abs(ref[1].numpy() - ours.weights).max()))
            fns.update(torch_weights=torch_weights, torch_noweights=torch_noweights)
        row.update(_interleaved(fns))
        rows.append(row)
    return {"threads": threads, "info": info, "rows": rows}


def _run_subprocess(threads: str, keep_openblas_env: bool) -> dict:
    env = dict(os.environ)
    if not keep_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    for var in THREAD_ENV:
        if threads == "1":
            env[var] = "1"
        else:
            env.pop(var, None)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--worker", threads],
        env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f}"


def render(results: list[dict]) -> str:
    lines = []
    for res in results:
        info = res["info"]
        label = "1 thread" if res["threads"] == "1" else "default threads"
        desc = f"numpy {info['numpy']}, {info['blas']}"
        if "torch" in info:
            desc += f"; torch {info['torch']} (torch threads={info['torch_threads']})"
        lines += [f"### {label}", "", desc, ""]
        if "torch" in info:
            lines += [
                "| T | d_model | h | engine µs | torch µs (per-head weights) | ratio | torch µs (need_weights=False) "
                "| ratio | max abs diff |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for r in res["rows"]:
                lines.append(
                    f"| {r['T']} | {r['d_model']} | {r['h']} | {_us(r['engine'])} | {_us(r['torch_weights'])} | "
                    f"{r['engine'] / r['torch_weights']:.2f} | {_us(r['torch_noweights'])} | "
                    f"{r['engine'] / r['torch_noweights']:.2f} | {r['max_abs_diff']:.1e} |"
                )
        else:
            lines += ["| T | d_model | h | engine µs |", "|---:|---:|---:|---:|"]
            lines += [f"| {r['T']} | {r['d_model']} | {r['h']} | {_us(r['engine'])} |" for r in res["rows"]]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", metavar="THREADS", help=argparse.SUPPRESS)
    ap.add_argument("--threads", nargs="+", default=["1", "default"], help="thread settings (default: 1 default)")
    ap.add_argument("--keep-openblas-env", action="store_true", help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE")
    ap.add_argument("--output", help="also write the markdown tables to this file")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    load_before = os.getloadavg()[0]
    table = render([_run_subprocess(t, args.keep_openblas_env) for t in args.threads])
    load_after = os.getloadavg()[0]
    print(table)
    if args.output:
        header = [
            "# Engine benchmark: NumPy engine vs torch.nn.MultiheadAttention (CPU, float32, self-attention)",
            "",
            f"Machine: {_cpu_name()}, {os.cpu_count()} logical CPUs. "
            f"Generated {time.strftime('%Y-%m-%d')} by `PYTHONPATH=. {os.path.basename(sys.executable)} "
            f"bench/bench_engine.py --output {args.output}`.",
            "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE "
            + ("kept" if args.keep_openblas_env else "unset") + " in the benchmark subprocesses.",
            f"1-minute load average before/after the run: {load_before:.2f} / {load_after:.2f} (other jobs on "
            "the machine inflate the multi-thread numbers most).",
            "Times are best-of-25 means per call (µs), engine and torch interleaved; ratio = engine / torch "
            "(< 1: the engine is faster).",
            "The engine always materialises q, k, v, raw and scaled scores and per-head weights; the "
            "'per-head weights' torch column (need_weights=True, average_attn_weights=False) does comparable "
            "work, need_weights=False lets torch skip the weights (fused SDPA path).",
            "",
        ]
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(header) + "\n" + table)


if __name__ == "__main__":
    main()
