"""Writes adamw_reference.json: torch.optim.AdamW and clip_grad_norm_ on two tiny parameters.

Run by hand (tests never need torch):  /work/pyenv/bin/python make_adamw_fixture.py
Parameter "w" [3, 4] decays, parameter "n" [4] does not (the model decays linear matrices only).
Each step: set the given gradients, clip_grad_norm_(max_norm), record the pre-clip norm, AdamW step,
record the parameters. The last step's moments are recorded too.
"""
import json, os, torch

torch.manual_seed(0)
w = torch.nn.Parameter(torch.randn(3, 4))
n = torch.nn.Parameter(torch.randn(4) * 0.1 + 1.0)
hyper = dict(lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
max_norm = 1.0
opt = torch.optim.AdamW([{"params": [w], "weight_decay": hyper["weight_decay"]},
                         {"params": [n], "weight_decay": 0.0}],
                        lr=hyper["lr"], betas=hyper["betas"], eps=hyper["eps"])
fx = dict(hyper=dict(lr=hyper["lr"], beta1=hyper["betas"][0], beta2=hyper["betas"][1], eps=hyper["eps"],
                     weight_decay=hyper["weight_decay"], max_norm=max_norm),
          w0=w.detach().flatten().tolist(), n0=n.detach().flatten().tolist(), steps=[])
for step in range(5):
    scale = 3.0 if step % 2 == 0 else 0.2      # alternate steps that clip and steps that do not
    gw = torch.randn(3, 4) * scale
    gn = torch.randn(4) * scale
    w.grad = gw.clone(); n.grad = gn.clone()
    norm = torch.nn.utils.clip_grad_norm_([w, n], max_norm)
    opt.step()
    fx["steps"].append(dict(grad_w=gw.flatten().tolist(), grad_n=gn.flatten().tolist(), norm=float(norm),
                            w=w.detach().flatten().tolist(), n=n.detach().flatten().tolist()))
st = opt.state
fx["exp_avg_w"] = st[w]["exp_avg"].flatten().tolist(); fx["exp_avg_sq_w"] = st[w]["exp_avg_sq"].flatten().tolist()
fx["exp_avg_n"] = st[n]["exp_avg"].flatten().tolist(); fx["exp_avg_sq_n"] = st[n]["exp_avg_sq"].flatten().tolist()
fx["torch_version"] = torch.__version__
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "adamw_reference.json"), "w") as f:
    json.dump(fx, f, indent=1)
