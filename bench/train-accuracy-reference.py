"""Reference solver for bench/train-accuracy.ts: multinomial logistic regression, the objective the
layerlab heads minimise (mean cross-entropy + l2/2 * ||W||^2, bias unpenalised), solved to convergence
with SciPy's L-BFGS-B (the solver scikit-learn's LogisticRegression uses by default) in float64.

Reads <dir>/meta.json and raw float32/int32 arrays written by the benchmark; prints one JSON line.
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize


def load(folder, name, dtype, shape):
    return np.fromfile(f"{folder}/{name}", dtype=dtype).reshape(shape)


def main(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    d, c = meta["dims"], meta["classes"]
    mean = load(folder, "mean.f32", np.float32, (d,)).astype(np.float64)
    std = load(folder, "std.f32", np.float32, (d,)).astype(np.float64)
    parts = {}
    for split in ("train", "val", "test"):
        n = meta[split]
        x = (load(folder, f"{split}.x.f32", np.float32, (n, d)).astype(np.float64) - mean) / std
        y = load(folder, f"{split}.y.i32", np.int32, (n,))
        parts[split] = (x, y)
    x, y = parts["train"]
    n = len(y)
    onehot = np.eye(c)[y]
    results = []
    for l2 in meta["l2"]:
        def objective(theta):
            w = theta[: d * c].reshape(d, c)
            b = theta[d * c :]
            z = x @ w + b
            z -= z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            p = np.exp(logp)
            loss = -(onehot * logp).sum() / n + 0.5 * l2 * (w * w).sum()
            g = (p - onehot) / n
            return loss, np.concatenate([(x.T @ g + l2 * w).ravel(), g.sum(axis=0)])

        fit = minimize(objective, np.zeros(d * c + c), jac=True, method="L-BFGS-B",
                       options={"maxiter": 5000, "maxfun": 10000, "gtol": 1e-6, "ftol": 1e-15})
        w = fit.x[: d * c].reshape(d, c)
        b = fit.x[d * c :]
        _, grad = objective(fit.x)
        accuracy = {s: float(((xs @ w + b).argmax(axis=1) == ys).mean()) for s, (xs, ys) in parts.items() if s != "train"}
        print(f"l2={l2}: {fit.nit} iterations, {fit.message}", file=sys.stderr)
        results.append({"l2": l2, "iterations": int(fit.nit), "gradientNorm": float(np.abs(grad).max()),
                        "objective": float(fit.fun), **accuracy})
    print(json.dumps({"solver": "scipy.optimize L-BFGS-B " + __import__("scipy").__version__, "results": results}))


if __name__ == "__main__":
    main(sys.argv[1])
