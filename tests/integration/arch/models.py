"""Tiny random-weight Hugging Face checkpoints, one per architecture, and their reference forward passes.

Each architecture is a config.json, a list of tensors (name, dtype, shape, kind) and a forward pass written from
transformers' modeling code for that model type. Weights are random (fixed seed per architecture), scaled so that
activations stay O(1) and the logits are well spread; the reference runs in float64 on the exact values stored
(BF16 tensors are rounded before the reference sees them)."""
import numpy as np

from nn import attention, gelu_tanh, layer_norm, linear, llama3_inv_freq, moe, rms_norm, rope, swiglu

VOCAB = 2048
PROMPT = [1, 147, 201, 282, 215, 286, 598, 1662, 356, 499, 826, 1363]


def base_config(cls, model_type, **kw):
    c = {"architectures": [cls], "model_type": model_type, "vocab_size": VOCAB, "hidden_size": 64,
         "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
         "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
         "tie_word_embeddings": True, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
    c.update(kw)
    return c


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


# ---- tensors -------------------------------------------------------------------------------------------------

def llama_tensors(c, dtype, qkv_bias=False, qk_norm=False, mlp=True, norm_kind="norm"):
    """The llama-style decoder's tensors. norm_kind: "norm" (weights ~1) or "offset" (Gemma, stored as w - 1)."""
    E, hd = c["hidden_size"], head_dim(c)
    H, KV, F = c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"]
    t = [("model.embed_tokens.weight", dtype, (c["vocab_size"], E), "embed"), ("model.norm.weight", dtype, (E,), norm_kind)]
    if not c.get("tie_word_embeddings"):
        t.append(("lm_head.weight", dtype, (c["vocab_size"], E), "w"))
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        t += [(p + "input_layernorm.weight", dtype, (E,), norm_kind),
              (p + "post_attention_layernorm.weight", dtype, (E,), norm_kind),
              (p + "self_attn.q_proj.weight", dtype, (H * hd, E), "w"),
              (p + "self_attn.k_proj.weight", dtype, (KV * hd, E), "w"),
              (p + "self_attn.v_proj.weight", dtype, (KV * hd, E), "w"),
              (p + "self_attn.o_proj.weight", dtype, (E, H * hd), "w")]
        if qkv_bias:
            t += [(p + "self_attn.%s_proj.bias" % x, dtype, (n * hd,), "bias") for x, n in (("q", H), ("k", KV), ("v", KV))]
        if qk_norm:
            t += [(p + "self_attn.q_norm.weight", dtype, (hd,), norm_kind), (p + "self_attn.k_norm.weight", dtype, (hd,), norm_kind)]
        if mlp:
            t += [(p + "mlp.gate_proj.weight", dtype, (F, E), "w"), (p + "mlp.up_proj.weight", dtype, (F, E), "w"),
                  (p + "mlp.down_proj.weight", dtype, (E, F), "w")]
    return t


def expert_tensors(c, dtype, container, names, n_expert, ff):
    E = c["hidden_size"]
    t = []
    for i in range(c["num_hidden_layers"]):
        for x in range(n_expert):
            p = "model.layers.%d.%s.%d." % (i, container, x)
            gate, down, up = names
            t += [(p + gate + ".weight", dtype, (ff, E), "w"), (p + up + ".weight", dtype, (ff, E), "w"),
                  (p + down + ".weight", dtype, (E, ff), "w")]
    return t


def make_weights(tensors, rng):
    """kind -> distribution: linear weights ~ N(0, 1/fan_in), embeddings ~ N(0, 1), norms ~ 1 + N(0, 0.1)
    (offset norms store only the N(0, 0.1) part), biases ~ N(0, 0.1), routers sharper so top-k has clear gaps."""
    out = []
    for name, dtype, shape, kind in tensors:
        if kind == "w":
            a = rng.standard_normal(shape) / np.sqrt(shape[-1])
        elif kind == "wT":  # GPT-2 Conv1D, [in, out]
            a = rng.standard_normal(shape) / np.sqrt(shape[0])
        elif kind == "router":
            a = rng.standard_normal(shape) * 4.0 / np.sqrt(shape[-1])
        elif kind == "embed":
            a = rng.standard_normal(shape)
        elif kind == "norm":
            a = 1.0 + 0.1 * rng.standard_normal(shape)
        elif kind in ("offset", "bias"):
            a = 0.1 * rng.standard_normal(shape)
        elif kind == "ones":
            a = np.ones(shape)
        else:
            raise ValueError(kind)
        out.append((name, dtype, a.astype(np.float32)))
    return out


# ---- forward -------------------------------------------------------------------------------------------------

def decoder(W, c, ids, *, norm_offset=0.0, embed_scale=None, qkv_bias=False, qk_norm=False, post_norms=False,
            rope_theta_of=None, attn_scale=None, attn_softcap=None, mlp=None, final_softcap=None, inv_freq=None):
    """A llama-style decoder: embed, per layer pre-norm attention + pre-norm MLP with residuals, final norm, lm_head.
    post_norms (Gemma 2/3): post_attention_layernorm after attention, pre/post_feedforward_layernorm around the MLP.
    rope_theta_of(layer) -> theta or None (no rotary on that layer)."""
    E, hd = c["hidden_size"], head_dim(c)
    H, KV, eps = c["num_attention_heads"], c["num_key_value_heads"], c["rms_norm_eps"]
    T = len(ids)
    pos = np.arange(T, dtype=np.float64)
    x = W["model.embed_tokens.weight"][ids]
    if embed_scale is not None:
        x = x * embed_scale
    norm = lambda v, n: rms_norm(v, W[n], eps, norm_offset)
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = norm(x, p + "input_layernorm.weight")
        b = (lambda n: W[p + "self_attn.%s_proj.bias" % n]) if qkv_bias else (lambda n: None)
        q = linear(h, W[p + "self_attn.q_proj.weight"], b("q")).reshape(T, H, hd)
        k = linear(h, W[p + "self_attn.k_proj.weight"], b("k")).reshape(T, KV, hd)
        v = linear(h, W[p + "self_attn.v_proj.weight"], b("v")).reshape(T, KV, hd)
        if qk_norm:
            q = norm(q, p + "self_attn.q_norm.weight")
            k = norm(k, p + "self_attn.k_norm.weight")
        theta = rope_theta_of(i) if rope_theta_of else c["rope_theta"]
        if theta is not None:
            q, k = rope(q, pos, theta, inv=inv_freq), rope(k, pos, theta, inv=inv_freq)
        a = attention(q, k, v, attn_scale if attn_scale else hd ** -0.5, attn_softcap)
        a = linear(a, W[p + "self_attn.o_proj.weight"])
        if post_norms:
            x = x + norm(a, p + "post_attention_layernorm.weight")
            h = norm(x, p + "pre_feedforward_layernorm.weight")
            x = x + norm(mlp(W, p, h), p + "post_feedforward_layernorm.weight")
        else:
            x = x + a
            x = x + mlp(W, p, norm(x, p + "post_attention_layernorm.weight"))
    x = norm(x, "model.norm.weight")
    head = W["lm_head.weight"] if "lm_head.weight" in W else W["model.embed_tokens.weight"]
    logits = linear(x[-1:], head)[0]
    if final_softcap:
        logits = np.tanh(logits / final_softcap) * final_softcap
    return logits


def swiglu_mlp(W, p, h):
    return swiglu(h, W[p + "mlp.gate_proj.weight"], W[p + "mlp.up_proj.weight"], W[p + "mlp.down_proj.weight"])


def gelu_gated_mlp(W, p, h):
    return linear(gelu_tanh(linear(h, W[p + "mlp.gate_proj.weight"])) * linear(h, W[p + "mlp.up_proj.weight"]),
                  W[p + "mlp.down_proj.weight"])


# ---- architectures -------------------------------------------------------------------------------------------

class Arch:
    """name, dtype of the stored weights, config, tensors; forward(W, ids) -> last-token logits. gaps collects the
    smallest top-k router gap of MoE models (reported, so a near-tie is visible)."""

    def __init__(self, name, dtype, config, tensors, forward):
        self.name, self.dtype, self.config, self.tensors, self.forward_fn = name, dtype, config, tensors, forward
        self.gaps = []

    def forward(self, W, ids):
        return self.forward_fn(self, W, ids)


def llama3():
    # Llama 3.1 rope scaling: the converter writes it as a generated rope_freqs tensor. A small original context
    # (64) puts the 8 wavelengths of head_dim 16 on every branch (kept, ramp, divided by factor) and makes the
    # scaling visible at 12 positions. The converter reads original_max_position_embeddings from the top level of
    # config.json (default 8192), transformers from rope_scaling: both say 64 here.
    c = base_config("LlamaForCausalLM", "llama", rope_theta=500000.0, original_max_position_embeddings=64,
                    rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 64, "rope_type": "llama3"})
    inv = llama3_inv_freq(c["rope_theta"], head_dim(c), 8.0, 1.0, 4.0, 64)
    return Arch("llama3", "F32", c, llama_tensors(c, "F32"),
                lambda a, W, ids: decoder(W, c, ids, mlp=swiglu_mlp, inv_freq=inv))


def qwen2():
    c = base_config("Qwen2ForCausalLM", "qwen2", tie_word_embeddings=False, rope_theta=1000000.0)
    return Arch("qwen2", "BF16", c, llama_tensors(c, "BF16", qkv_bias=True),
                lambda a, W, ids: decoder(W, c, ids, qkv_bias=True, mlp=swiglu_mlp))


def qwen3():
    c = base_config("Qwen3ForCausalLM", "qwen3", head_dim=24, attention_bias=False)
    return Arch("qwen3", "F32", c, llama_tensors(c, "F32", qk_norm=True),
                lambda a, W, ids: decoder(W, c, ids, qk_norm=True, mlp=swiglu_mlp))


def moe_mlp(arch, c, container, names, n_expert, top_k, normalize, shared=False):
    gate, down, up = names

    def mlp(W, p, h):
        experts = [lambda v, e=e: swiglu(v, W[p + "%s.%d.%s.weight" % (container, e, gate)],
                                         W[p + "%s.%d.%s.weight" % (container, e, up)],
                                         W[p + "%s.%d.%s.weight" % (container, e, down)]) for e in range(n_expert)]
        router = W[p + ("block_sparse_moe.gate.weight" if container.startswith("block") else "mlp.gate.weight")]
        out, gap = moe(h, router, experts, top_k, normalize)
        arch.gaps.append(gap)
        if shared:
            s = swiglu(h, W[p + "mlp.shared_expert.gate_proj.weight"], W[p + "mlp.shared_expert.up_proj.weight"],
                       W[p + "mlp.shared_expert.down_proj.weight"])
            out = out + 1.0 / (1.0 + np.exp(-linear(h, W[p + "mlp.shared_expert_gate.weight"]))) * s
        return out
    return mlp


def mixtral():
    c = base_config("MixtralForCausalLM", "mixtral", num_local_experts=4, num_experts_per_tok=2, tie_word_embeddings=False)
    t = llama_tensors(c, "BF16", mlp=False)
    t += expert_tensors(c, "BF16", "block_sparse_moe.experts", ("w1", "w2", "w3"), 4, c["intermediate_size"])
    t += [("model.layers.%d.block_sparse_moe.gate.weight" % i, "BF16", (4, c["hidden_size"]), "router")
          for i in range(c["num_hidden_layers"])]
    a = Arch("mixtral", "BF16", c, t, None)
    mlp = moe_mlp(a, c, "block_sparse_moe.experts", ("w1", "w2", "w3"), 4, 2, True)
    a.forward_fn = lambda a_, W, ids: decoder(W, c, ids, mlp=mlp)
    return a


def qwen_moe(cls, model_type, name, qk_norm, shared, normalize, dtype):
    # untied like the released models: llama.cpp's qwen2moe requires output.weight
    c = base_config(cls, model_type, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=32,
                    norm_topk_prob=normalize, decoder_sparse_step=1, mlp_only_layers=[], tie_word_embeddings=not shared)
    if shared:
        c["shared_expert_intermediate_size"] = 48
        c["qkv_bias"] = True
    if qk_norm:
        c["head_dim"] = 16
    t = llama_tensors(c, dtype, qkv_bias=shared, qk_norm=qk_norm, mlp=False)
    t += expert_tensors(c, dtype, "mlp.experts", ("gate_proj", "down_proj", "up_proj"), 4, 32)
    E = c["hidden_size"]
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d.mlp." % i
        t.append((p + "gate.weight", dtype, (4, E), "router"))
        if shared:
            t += [(p + "shared_expert.gate_proj.weight", dtype, (48, E), "w"),
                  (p + "shared_expert.up_proj.weight", dtype, (48, E), "w"),
                  (p + "shared_expert.down_proj.weight", dtype, (E, 48), "w"),
                  (p + "shared_expert_gate.weight", dtype, (1, E), "w")]
    a = Arch(name, dtype, c, t, None)
    mlp = moe_mlp(a, c, "mlp.experts", ("gate_proj", "down_proj", "up_proj"), 4, 2, normalize, shared)
    a.forward_fn = lambda a_, W, ids: decoder(W, c, ids, qkv_bias=shared, qk_norm=qk_norm, mlp=mlp)
    return a


def qwen2moe():
    # Qwen2-MoE's router does not renormalise the top-k weights (norm_topk_prob false); llama.cpp's qwen2moe neither
    return qwen_moe("Qwen2MoeForCausalLM", "qwen2_moe", "qwen2moe", False, True, False, "F32")


def qwen3moe():
    return qwen_moe("Qwen3MoeForCausalLM", "qwen3_moe", "qwen3moe", True, False, True, "BF16")


def smollm3():
    # 4 layers so that layer 3 is a NoPE layer (no rotary every no_rope_layer_interval-th layer)
    c = base_config("SmolLM3ForCausalLM", "smollm3", num_hidden_layers=4, no_rope_layer_interval=4,
                    no_rope_layers=[1, 1, 1, 0], use_sliding_window=False, rope_theta=5000000.0)
    return Arch("smollm3", "F32", c, llama_tensors(c, "F32"),
                lambda a, W, ids: decoder(W, c, ids, mlp=swiglu_mlp,
                                          rope_theta_of=lambda i: c["rope_theta"] if c["no_rope_layers"][i] else None))


def gemma_tensors(c, dtype, qk_norm):
    t = llama_tensors(c, dtype, qk_norm=qk_norm, norm_kind="offset")
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        t += [(p + "pre_feedforward_layernorm.weight", dtype, (c["hidden_size"],), "offset"),
              (p + "post_feedforward_layernorm.weight", dtype, (c["hidden_size"],), "offset")]
    return t


def gemma2():
    # query_pre_attn_scalar = head_dim: llama.cpp scales by 1/sqrt(head_dim) for every size but 27B
    c = base_config("Gemma2ForCausalLM", "gemma2", head_dim=16, query_pre_attn_scalar=16, hidden_act="gelu_pytorch_tanh",
                    hidden_activation="gelu_pytorch_tanh", attn_logit_softcapping=50.0, final_logit_softcapping=30.0,
                    sliding_window=4096, num_hidden_layers=2)
    return Arch("gemma2", "BF16", c, gemma_tensors(c, "BF16", False),
                lambda a, W, ids: decoder(W, c, ids, norm_offset=1.0, embed_scale=np.float32(c["hidden_size"] ** 0.5),
                                          post_norms=True, attn_scale=c["query_pre_attn_scalar"] ** -0.5,
                                          attn_softcap=c["attn_logit_softcapping"], mlp=gelu_gated_mlp,
                                          final_softcap=c["final_logit_softcapping"]))


def gemma3():
    # 6 layers: with sliding_window_pattern 6, layers 0-4 are local (rope base 10000) and layer 5 global (1e6)
    c = base_config("Gemma3ForCausalLM", "gemma3_text", head_dim=16, query_pre_attn_scalar=16,
                    hidden_activation="gelu_pytorch_tanh", num_hidden_layers=6, sliding_window=512,
                    sliding_window_pattern=6, rope_theta=1000000.0, rope_local_base_freq=10000.0,
                    attn_logit_softcapping=None, final_logit_softcapping=None, rope_scaling=None)
    c["layer_types"] = ["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(6)]
    return Arch("gemma3", "BF16", c, gemma_tensors(c, "BF16", True),
                lambda a, W, ids: decoder(W, c, ids, norm_offset=1.0, embed_scale=np.float32(c["hidden_size"] ** 0.5),
                                          qk_norm=True, post_norms=True, attn_scale=c["query_pre_attn_scalar"] ** -0.5,
                                          mlp=gelu_gated_mlp,
                                          rope_theta_of=lambda i: c["rope_theta"] if c["layer_types"][i] == "full_attention"
                                          else c["rope_local_base_freq"]))


def phi3():
    c = base_config("Phi3ForCausalLM", "phi3", tie_word_embeddings=False, original_max_position_embeddings=256,
                    sliding_window=None, rms_norm_eps=1e-5)
    E, hd, H, KV, F = 64, head_dim(c), 4, 2, c["intermediate_size"]
    t = [("model.embed_tokens.weight", "BF16", (VOCAB, E), "embed"), ("model.norm.weight", "BF16", (E,), "norm"),
         ("lm_head.weight", "BF16", (VOCAB, E), "w")]
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        t += [(p + "input_layernorm.weight", "BF16", (E,), "norm"),
              (p + "post_attention_layernorm.weight", "BF16", (E,), "norm"),
              (p + "self_attn.qkv_proj.weight", "BF16", ((H + 2 * KV) * hd, E), "w"),
              (p + "self_attn.o_proj.weight", "BF16", (E, H * hd), "w"),
              (p + "mlp.gate_up_proj.weight", "BF16", (2 * F, E), "w"),
              (p + "mlp.down_proj.weight", "BF16", (E, F), "w")]

    def forward(a, W, ids):
        # Phi-3 fuses q|k|v and gate|up: split them into the llama names and run the same decoder
        W = dict(W)
        for i in range(c["num_hidden_layers"]):
            p = "model.layers.%d." % i
            qkv = W[p + "self_attn.qkv_proj.weight"]
            W[p + "self_attn.q_proj.weight"] = qkv[:H * hd]
            W[p + "self_attn.k_proj.weight"] = qkv[H * hd:(H + KV) * hd]
            W[p + "self_attn.v_proj.weight"] = qkv[(H + KV) * hd:]
            gu = W[p + "mlp.gate_up_proj.weight"]
            W[p + "mlp.gate_proj.weight"], W[p + "mlp.up_proj.weight"] = gu[:F], gu[F:]
        return decoder(W, c, ids, mlp=swiglu_mlp)
    return Arch("phi3", "BF16", c, t, forward)


def gpt2():
    E, L, P = 64, 2, 256
    c = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": VOCAB, "n_embd": E, "n_layer": L,
         "n_head": 4, "n_ctx": P, "n_positions": P, "n_inner": None, "layer_norm_epsilon": 1e-5,
         "activation_function": "gelu_new", "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": True,
         "torch_dtype": "float32"}
    t = [("transformer.wte.weight", "F32", (VOCAB, E), "embed"), ("transformer.wpe.weight", "F32", (P, E), "bias"),
         ("transformer.ln_f.weight", "F32", (E,), "norm"), ("transformer.ln_f.bias", "F32", (E,), "bias")]
    for i in range(L):
        p = "transformer.h.%d." % i
        # Conv1D weights are stored [in, out]; "attn.bias" is the old causal-mask buffer the converter drops
        t += [(p + "ln_1.weight", "F32", (E,), "norm"), (p + "ln_1.bias", "F32", (E,), "bias"),
              (p + "attn.c_attn.weight", "F32", (E, 3 * E), "wT"), (p + "attn.c_attn.bias", "F32", (3 * E,), "bias"),
              (p + "attn.c_proj.weight", "F32", (E, E), "wT"), (p + "attn.c_proj.bias", "F32", (E,), "bias"),
              (p + "attn.bias", "F32", (1, 1, P, P), "ones"),
              (p + "ln_2.weight", "F32", (E,), "norm"), (p + "ln_2.bias", "F32", (E,), "bias"),
              (p + "mlp.c_fc.weight", "F32", (E, 4 * E), "wT"), (p + "mlp.c_fc.bias", "F32", (4 * E,), "bias"),
              (p + "mlp.c_proj.weight", "F32", (4 * E, E), "wT"), (p + "mlp.c_proj.bias", "F32", (E,), "bias")]

    def forward(a, W, ids):
        T, H, eps = len(ids), c["n_head"], c["layer_norm_epsilon"]
        x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][:T]
        for i in range(L):
            p = "transformer.h.%d." % i
            h = layer_norm(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
            qkv = h @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
            q, k, v = (qkv[:, j * E:(j + 1) * E].reshape(T, H, E // H) for j in range(3))
            x = x + attention(q, k, v, (E // H) ** -0.5) @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
            h = layer_norm(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
            x = x + gelu_tanh(h @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"]) @ W[p + "mlp.c_proj.weight"] \
                + W[p + "mlp.c_proj.bias"]
        x = layer_norm(x, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], eps)
        return linear(x[-1:], W["transformer.wte.weight"])[0]
    return Arch("gpt2", "F32", c, t, forward)


ALL = [llama3, qwen2, qwen3, mixtral, qwen2moe, qwen3moe, smollm3, gemma2, gemma3, phi3, gpt2]
