#!/usr/bin/python3
"""Independent PyTorch implementation of the workbench's policy loss, for
lib/rl's fixture test. Run with Debian's python3-torch:
    /usr/bin/python3 lib/rl/testdata/make_loss_fixtures.py
Writes lib/rl/testdata/loss_fixtures.json. Seeded (torch.manual_seed(7)).

Model: per-token Bernoulli log-probs logp = logsigmoid(X @ W) with X [N,T,D]
fixed and W [D] the parameter; the loss follows verl's compute_policy_loss
(clip, dual clip), agg_loss and kl_penalty. We record the loss and dL/dW.
"""
import json, os
import torch
import torch.nn.functional as F

torch.manual_seed(7)
N, T, D = 6, 4, 5


def agg(x, mask, mode):
    if mode == "token-mean":
        return (x * mask).sum() / mask.sum().clamp(min=1)
    per_seq = (x * mask).sum(-1)
    tokens = mask.sum(-1)
    valid = (tokens > 0).float()
    if mode == "seq-mean-token-mean":
        per_seq = per_seq / tokens.clamp(min=1)
    return per_seq.sum() / valid.sum().clamp(min=1)


def loss_fn(W, X, old, ref, adv, weight, mask, cfg):
    logits = X @ W
    logp = F.logsigmoid(logits)
    p = torch.sigmoid(logits)
    entropy = -(p * F.logsigmoid(logits) + (1 - p) * F.logsigmoid(-logits))
    mask = mask * (weight > 0).float().unsqueeze(-1)
    A = adv.unsqueeze(-1).expand_as(logp)
    ratio = torch.exp(logp - old)
    pg1 = -A * ratio
    pg2 = -A * torch.clamp(ratio, 1 - cfg["clip_low"], 1 + cfg["clip_high"])
    clip_pg = torch.maximum(pg1, pg2)
    if cfg["dual_clip"] > 0:
        pg3 = -A * cfg["dual_clip"]
        tok = torch.where(A < 0, torch.minimum(pg3, clip_pg), clip_pg)
    else:
        tok = clip_pg
    tok = tok * weight.unsqueeze(-1)
    loss = agg(tok, mask, cfg["agg"])
    if cfg["kl_coef"] > 0:
        if cfg["kl_type"] == "k1":
            kl = logp - ref
        else:
            d = ref - logp
            kl = torch.clamp(torch.exp(d) - d - 1, -10, 10)
        loss = loss + cfg["kl_coef"] * agg(kl, mask, cfg["agg"])
    if cfg["entropy_coef"] != 0:
        loss = loss - cfg["entropy_coef"] * agg(entropy, mask, cfg["agg"])
    return loss


base = dict(clip_low=0.2, clip_high=0.2, dual_clip=3.0, agg="token-mean", kl_coef=0.0, kl_type="low_var_kl", entropy_coef=0.0)
cases = []
for name, over, shift, adv_sign in [
    ("clip_active", {}, 0.6, 1.0),
    ("dual_clip_active", {}, 1.5, -1.0),  # ratio ~ e^1.5 > c = 3 with A < 0
    ("kl_low_var", dict(kl_coef=0.1), 0.1, 0.0),
    ("kl_k1_seq_mean_token_sum", dict(kl_coef=0.05, kl_type="k1", agg="seq-mean-token-sum"), 0.2, 0.0),
    ("masks_padding_seq_mean_token_mean", dict(agg="seq-mean-token-mean", entropy_coef=0.01, clip_high=0.28), 0.3, 0.0),
]:
    cfg = dict(base, **over)
    X = torch.randn(N, T, D)
    W = torch.randn(D, requires_grad=True)
    with torch.no_grad():
        logp0 = F.logsigmoid(X @ W)
        # old log-probs: current ones shifted so the ratio exp(logp-old) leaves the clip range
        old = (logp0 - shift + 0.1 * torch.randn(N, T)).clamp(max=-1e-3)
        ref = (logp0 + 0.3 * torch.randn(N, T)).clamp(max=-1e-3)
    adv = torch.randn(N) if adv_sign == 0 else adv_sign * (0.5 + torch.rand(N))
    weight = torch.ones(N)
    mask = (torch.rand(N, T) > 0.25).float()
    if name.startswith("masks_padding"):
        weight[-1] = 0.0          # a padded answer
        mask[-2] = 0.0            # an answer with no token
        weight[0] = 2.5           # a DRO-like weight
    loss = loss_fn(W, X, old, ref, adv, weight, mask, cfg)
    loss.backward()
    cases.append(dict(name=name, config=cfg, X=X.tolist(), W=W.detach().tolist(), old=old.tolist(), ref=ref.tolist(),
                      adv=adv.tolist(), weight=weight.tolist(), mask=mask.tolist(), loss=loss.item(), grad=W.grad.tolist()))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "loss_fixtures.json"), "w") as f:
    json.dump(dict(generator="make_loss_fixtures.py, torch " + torch.__version__, cases=cases), f)
print("wrote", len(cases), "cases")
