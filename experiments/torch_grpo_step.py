#!/usr/bin/python3
"""The PyTorch peer of lib/train's BenchmarkGRPOStep, timed on the same
machine: B=256 prompts, G=8 answers, an MLP 80 -> 128 -> 128 -> 35 with a
per-prompt head mask (single-label heads only: the Go step also handles
CheXpert's multi-label head, a small extra), Gumbel-max sampling, set-F1 =
0/1 rewards, group-normalised advantages, PPO-clip loss with dual clip,
backward, Adam. Run with Debian's python3-torch 1.13:
    /usr/bin/python3 experiments/torch_grpo_step.py
torch uses 1 thread by default here (faster than 2 on this 2-core machine;
stack.md)."""
import time
import torch
import torch.nn.functional as F

torch.manual_seed(1)
B, G, D, K = 256, 8, 80, 35
heads = [14, 2, 5, 2, 5, 5, 2]
offs = [sum(heads[:i]) for i in range(len(heads))]
x = torch.randn(B, D)
head = torch.randint(0, len(heads), (B,))
mask = torch.zeros(B, K, dtype=torch.bool)
truth = torch.zeros(B, dtype=torch.long)
for i in range(B):
    h = head[i].item()
    mask[i, offs[h]:offs[h] + heads[h]] = True
    truth[i] = offs[h] + torch.randint(0, heads[h], (1,)).item()
model = torch.nn.Sequential(torch.nn.Linear(D, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128), torch.nn.ReLU(), torch.nn.Linear(128, K))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, weight_decay=0.01)


def step():
    logits = model(x).masked_fill(~mask, float("-inf"))
    logp_all = F.log_softmax(logits, -1)
    with torch.no_grad():
        u = torch.rand(B, G, K).clamp(1e-7, 1 - 1e-7)
        actions = (logp_all.unsqueeze(1) - torch.log(-torch.log(u))).argmax(-1)  # Gumbel-max
        reward = (actions == truth.unsqueeze(1)).float()
        mean, std = reward.mean(1, keepdim=True), reward.std(1, keepdim=True)
        adv = (reward - mean) / (std + 1e-6)
        old = torch.gather(logp_all.unsqueeze(1).expand(B, G, K), 2, actions.unsqueeze(-1)).squeeze(-1)
    lp = torch.gather(logp_all.unsqueeze(1).expand(B, G, K), 2, actions.unsqueeze(-1)).squeeze(-1)
    ratio = torch.exp(lp - old)
    pg = torch.maximum(-adv * ratio, -adv * ratio.clamp(0.8, 1.2))
    pg = torch.where(adv < 0, torch.minimum(pg, -adv * 3.0), pg)
    loss = pg.mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(20):
    step()
n, t0 = 300, time.perf_counter()
for _ in range(n):
    step()
dt = (time.perf_counter() - t0) / n
print(f"TorchGRPOStep (torch {torch.__version__}, {torch.get_num_threads()} thread(s)): {dt * 1e3:.2f} ms/step")
