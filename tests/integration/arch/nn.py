"""The building blocks of the reference forward passes, in float64, written from the published model math
(transformers' modeling_*.py): norms, rotary embeddings, causal grouped-query attention, MLPs, MoE routing."""
import numpy as np


def rms_norm(x, w, eps, offset=0.0):
    """RMSNorm over the last axis; Gemma multiplies by (1 + w), i.e. offset=1."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * (offset + w)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def linear(x, w, b=None):
    """torch.nn.Linear: w is [out, in]."""
    y = x @ w.T
    return y if b is None else y + b


def rope_inv_freq(theta, d):
    return 1.0 / (theta ** (np.arange(0, d, 2, dtype=np.float64) / d))


def llama3_inv_freq(theta, d, factor, low, high, old_ctx):
    """transformers' _compute_llama3_parameters: long wavelengths slowed down by `factor`, a smooth ramp between."""
    inv = rope_inv_freq(theta, d)
    wavelen = 2 * np.pi / inv
    smooth = (old_ctx / wavelen - low) / (high - low)
    mid = (1 - smooth) * inv / factor + smooth * inv
    return np.where(wavelen < old_ctx / high, inv, np.where(wavelen > old_ctx / low, inv / factor, mid))


def rope(x, pos, theta, rot_dim=None, inv=None):
    """transformers' rotate_half rotary embedding on [T, H, D]: pairs (i, i + rot/2), inv_freq = theta^(-2i/rot)."""
    d = x.shape[-1] if rot_dim is None else rot_dim
    inv = rope_inv_freq(theta, d) if inv is None else inv
    ang = np.outer(pos, inv)                          # [T, d/2]
    cos = np.concatenate([np.cos(ang)] * 2, -1)[:, None, :]
    sin = np.concatenate([np.sin(ang)] * 2, -1)[:, None, :]
    xr, rest = x[..., :d], x[..., d:]
    half = d // 2
    rot = np.concatenate([-xr[..., half:], xr[..., :half]], -1)
    return np.concatenate([xr * cos + rot * sin, rest], -1)


def attention(q, k, v, scale, softcap=None):
    """Causal attention. q [T, H, D], k/v [T, Hkv, D]; query head h reads kv head h // (H / Hkv)."""
    T, H, D = q.shape
    rep = H // k.shape[1]
    k = np.repeat(k, rep, axis=1)
    v = np.repeat(v, rep, axis=1)
    s = np.einsum("thd,shd->hts", q, k) * scale
    if softcap:
        s = np.tanh(s / softcap) * softcap
    s = s + np.triu(np.full((T, T), -np.inf), 1)[None]
    s = np.exp(s - s.max(-1, keepdims=True))
    p = s / s.sum(-1, keepdims=True)
    return np.einsum("hts,shd->thd", p, v).reshape(T, H * v.shape[-1])


def silu(x):
    return x / (1.0 + np.exp(-x))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def swiglu(x, gate, up, down):
    return linear(silu(linear(x, gate)) * linear(x, up), down)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def moe(x, router, experts, top_k, normalize):
    """Softmax over all experts, the top_k per token, optionally renormalised; experts: list of callables.
    Returns the output and the smallest router-logit gap between the k-th and (k+1)-th expert (a near-tie would make
    the selection depend on rounding)."""
    logit = linear(x, router)
    p = softmax(logit)
    out = np.zeros_like(x)
    gap = np.inf
    for t in range(x.shape[0]):
        order = np.argsort(-p[t], kind="stable")
        sel = order[:top_k]
        if top_k < len(order):
            gap = min(gap, logit[t, order[top_k - 1]] - logit[t, order[top_k]])
        w = p[t, sel]
        if normalize:
            w = w / w.sum()
        for e, we in zip(sel, w):
            out[t] += we * experts[e](x[t:t + 1])[0]
    return out, gap
