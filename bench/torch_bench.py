"""PyTorch side of `npm run bench`: the same architectures, batch and step counts as Bloombench.

Run with Debian's /usr/bin/python3 (python3-torch). Prints one JSON document on stdout:
{"torch": version, "threads": n, "results": [{model, mode, imagesPerSecond, imagesPerCpuSecond, steps}]}.

Usage: python3 bench/torch_bench.py --models lenet5,resnet18 --train-steps 5 --infer-steps 5

Whole epochs (`--epoch-job job.json`, written by bench/epochs.ts): trains one model for
`--epochs` epochs on the same cached images, split and batch as the Bloombench run beside it
(Adam, no augmentation, validation every epoch, the state dict saved after each), and prints
{"torch", "threads", "epochs": [{epoch, seconds, train, validate, checkpoint, valAccuracy}]}.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn


def conv_bn(cin, cout, k, s=1, p=None):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2 if p is None else p, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def w(c, width):
    return max(1, round(c * width))


class LeNet5(nn.Module):
    """conv 5x5 20 -> pool -> conv 5x5 50 -> pool -> dense 500 -> logits (as main/models/lenet.ts)."""

    def __init__(self, size=28, cin=1, classes=10):
        super().__init__()
        s = ((size - 4) // 2 - 4) // 2
        self.f = nn.Sequential(nn.Conv2d(cin, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.c = nn.Sequential(nn.Flatten(), nn.Linear(50 * s * s, 500), nn.ReLU(), nn.Linear(500, classes))

    def forward(self, x):
        return self.c(self.f(x))


class VGG11BN(nn.Module):
    """VGG-11 with batch norm, channel widths and the two dense layers scaled by `width`."""

    def __init__(self, size=64, width=0.5, classes=5):
        super().__init__()
        cfg = [[64], [128], [256, 256], [512, 512], [512, 512]]
        layers, cin = [], 3
        for block in cfg:
            for c in block:
                layers.append(conv_bn(cin, w(c, width), 3))
                cin = w(c, width)
            layers.append(nn.MaxPool2d(2))
        self.f = nn.Sequential(*layers)
        s = size // 32
        h = w(4096, width)
        self.c = nn.Sequential(nn.Flatten(), nn.Linear(cin * s * s, h), nn.ReLU(), nn.Dropout(0.5), nn.Linear(h, h), nn.ReLU(), nn.Dropout(0.5), nn.Linear(h, classes))

    def forward(self, x):
        return self.c(self.f(x))


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pp):
        super().__init__()
        self.b1 = conv_bn(cin, c1, 1)
        self.b2 = nn.Sequential(conv_bn(cin, c3r, 1), conv_bn(c3r, c3, 3))
        self.b3 = nn.Sequential(conv_bn(cin, c5r, 1), conv_bn(c5r, c5, 5))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_bn(cin, pp, 1))
        self.out = c1 + c3 + c5 + pp

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


MODULES = [
    ('3a', (64, 96, 128, 16, 32, 32)), ('3b', (128, 128, 192, 32, 96, 64)), ('pool', None),
    ('4a', (192, 96, 208, 16, 48, 64)), ('4b', (160, 112, 224, 24, 64, 64)), ('4c', (128, 128, 256, 24, 64, 64)),
    ('4d', (112, 144, 288, 32, 64, 64)), ('4e', (256, 160, 320, 32, 128, 128)), ('pool2', None),
    ('5a', (256, 160, 320, 32, 128, 128)), ('5b', (384, 192, 384, 48, 128, 128)),
]


class GoogLeNet(nn.Module):
    """Inception-v1 with batch norm, the paper's 5x5 branch, no aux heads, widths scaled."""

    def __init__(self, width=0.5, classes=5):
        super().__init__()
        layers = [conv_bn(3, w(64, width), 7, 2), nn.MaxPool2d(3, 2, 1), conv_bn(w(64, width), w(64, width), 1), conv_bn(w(64, width), w(192, width), 3), nn.MaxPool2d(3, 2, 1)]
        cin = w(192, width)
        for name, spec in MODULES:
            if spec is None:
                layers.append(nn.MaxPool2d(3, 2, 1) if name == 'pool' else nn.MaxPool2d(2, 2, 0))
                continue
            m = Inception(cin, *[w(c, width) for c in spec])
            layers.append(m)
            cin = m.out
        self.f = nn.Sequential(*layers)
        self.c = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(cin, classes))

    def forward(self, x):
        return self.c(self.f(x))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, c, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, c, 3, stride), nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))
        self.short = None if stride == 1 and cin == c else nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return torch.relu(self.body(x) + (x if self.short is None else self.short(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, c, stride):
        super().__init__()
        out = c * 4
        self.body = nn.Sequential(conv_bn(cin, c, 1), conv_bn(c, c, 3, stride), nn.Conv2d(c, out, 1, bias=False), nn.BatchNorm2d(out))
        self.short = None if stride == 1 and cin == out else nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        return torch.relu(self.body(x) + (x if self.short is None else self.short(x)))


class ResNetW(nn.Module):
    """torchvision's ResNet layout (stride on the 3x3, projection shortcuts) with every channel count
    scaled by `width` and rounded as main/models/builder.ts does (the zoo's width multiplier)."""

    def __init__(self, block, depths, width, classes=5):
        super().__init__()
        layers = [conv_bn(3, w(64, width), 7, 2), nn.MaxPool2d(3, 2, 1)]
        cin = w(64, width)
        for stage, n in enumerate(depths):
            c = w(64 * 2 ** stage, width)
            for i in range(n):
                layers.append(block(cin, c, 2 if stage > 0 and i == 0 else 1))
                cin = c * block.expansion
        self.f = nn.Sequential(*layers)
        self.c = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))

    def forward(self, x):
        return self.c(self.f(x))


def build(model_id):
    """(module, input shape without batch, classes) of a bench model."""
    if model_id == 'lenet5':
        return LeNet5(), (1, 28, 28), 10
    if model_id == 'resnet18':
        import torchvision
        return torchvision.models.resnet18(num_classes=5), (3, 64, 64), 5
    if model_id == 'vgg11_bn':
        return VGG11BN(), (3, 64, 64), 5
    if model_id == 'googlenet':
        return GoogLeNet(), (3, 64, 64), 5
    if model_id == 'resnet18_w025':
        return ResNetW(BasicBlock, (2, 2, 2, 2), 0.25), (3, 64, 64), 5
    if model_id == 'resnet34_w025':
        return ResNetW(BasicBlock, (3, 4, 6, 3), 0.25), (3, 80, 80), 5
    if model_id == 'resnet152_w025':
        return ResNetW(Bottleneck, (3, 8, 36, 3), 0.25), (3, 80, 80), 5
    raise SystemExit(f'unknown model {model_id}')


WARM_UP_STEPS = 2  # as bench/spec.ts


def timed(step, steps):
    for _ in range(WARM_UP_STEPS):
        step()  # warm-up (allocator, weight layout)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - t0, time.process_time() - cpu0


def epochs_of(model_id, job_file, epochs, batch):
    """Whole epochs on the cache a Bloombench run read: seconds by phase of each epoch."""
    import os
    import tempfile

    import numpy as np

    with open(job_file) as f:
        job = json.load(f)
    size, channels = job['size'], job['channels']
    pixels = np.fromfile(job['cache'], dtype=np.uint8).reshape(-1, size, size, channels)

    def batch_of(records):
        # Bytes to [-1, 1], as main/worker/trainer.ts `normalize`.
        return torch.from_numpy(pixels[records]).permute(0, 3, 1, 2).float().div_(127.5).sub_(1)

    model, _, _ = build(model_id)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()
    train = np.array(job['train']['records'])
    train_y = torch.tensor(job['train']['labels'])
    val = np.array(job['val']['records'])
    val_y = torch.tensor(job['val']['labels'])
    out = []
    checkpoint = os.path.join(tempfile.mkdtemp(prefix='bb-torch-epoch-'), 'last.pt')
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(train))
        for b in range(0, len(train), batch):
            pick = order[b:b + batch].numpy()
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(batch_of(train[pick])), train_y[pick])
            loss.backward()
            opt.step()
            loss.item()
        t1 = time.perf_counter()
        model.eval()
        right = 0
        with torch.no_grad():
            for b in range(0, len(val), batch):
                right += (model(batch_of(val[b:b + batch])).argmax(1) == val_y[b:b + batch]).sum().item()
        t2 = time.perf_counter()
        torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict()}, checkpoint)
        t3 = time.perf_counter()
        out.append({'epoch': epoch, 'seconds': t3 - t0, 'train': t1 - t0, 'validate': t2 - t1, 'checkpoint': t3 - t2, 'valAccuracy': right / max(1, len(val))})
        print(f'{model_id}: epoch {epoch} {t3 - t0:.1f} s', file=sys.stderr)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', default='lenet5,resnet18,vgg11_bn,googlenet,resnet18_w025,resnet34_w025,resnet152_w025')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--train-steps', type=int, default=5)
    ap.add_argument('--infer-steps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--epoch-job', help='whole epochs on the cache this job file names (one model)')
    ap.add_argument('--epochs', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.epoch_job:
        epochs = epochs_of(a.models.split(',')[0], a.epoch_job, a.epochs, a.batch)
        json.dump({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'epochs': epochs}, sys.stdout)
        print()
        return
    results = []
    for model_id in a.models.split(','):
        model, shape, classes = build(model_id)
        x = torch.rand(a.batch, *shape) * 2 - 1
        y = torch.arange(a.batch) % classes
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        loss_fn = nn.CrossEntropyLoss()

        def train_step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            loss.item()

        model.train()
        wall, cpu = timed(train_step, a.train_steps)
        results.append({'model': model_id, 'mode': 'train', 'imagesPerSecond': a.batch * a.train_steps / wall, 'imagesPerCpuSecond': a.batch * a.train_steps / max(cpu, 1e-9), 'steps': a.train_steps})
        model.eval()

        def infer_step():
            with torch.no_grad():
                model(x).sum().item()

        wall, cpu = timed(infer_step, a.infer_steps)
        results.append({'model': model_id, 'mode': 'infer', 'imagesPerSecond': a.batch * a.infer_steps / wall, 'imagesPerCpuSecond': a.batch * a.infer_steps / max(cpu, 1e-9), 'steps': a.infer_steps})
        print(f'{model_id}: done', file=sys.stderr)
    json.dump({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}, sys.stdout)
    print()


if __name__ == '__main__':
    main()
